"""Views of the customer portal (`portal`) and of the agent panel (`agent`)."""
