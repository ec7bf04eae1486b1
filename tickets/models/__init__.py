from .config import Category, ConfigurationItem, Department, Priority, Product, Severity
from .ticket import Attachment, EntryLink, Rating, Ticket, TicketEntry

__all__ = [
    "Attachment",
    "Category",
    "ConfigurationItem",
    "Department",
    "EntryLink",
    "Priority",
    "Product",
    "Rating",
    "Severity",
    "Ticket",
    "TicketEntry",
]
