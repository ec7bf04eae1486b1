"""Field work on a ticket (S1 1.7 to 1.9): service orders on the technician agenda, tasks, and
mail written from templates. Its pages are the agent panel's (namespace `agent`); its rows are
still the tickets app's models (tickets/models/fieldwork.py), as they hang off a ticket and the
ticket's gate decides who sees them, made from any ticket, not only at the end of an
attendance."""
