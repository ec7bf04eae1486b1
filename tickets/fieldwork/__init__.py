"""Field work on a ticket (S1 1.7 to 1.9): service orders on the technician agenda, tasks, and
mail written from templates. It lives in tickets because it hangs off a ticket: both ticket
pages show it, the ticket's gate decides who sees it, and it is made from any ticket, not
only at the end of an attendance."""
