from .config import (
    CannedReply,
    Category,
    ConfigurationItem,
    Department,
    Priority,
    Product,
    ProgressLabel,
    Severity,
)
from .ticket import (
    Attachment,
    EntryLink,
    Notification,
    Rating,
    Ticket,
    TicketEntry,
    TicketFollower,
)

__all__ = [
    "Attachment",
    "CannedReply",
    "Category",
    "ConfigurationItem",
    "Department",
    "EntryLink",
    "Notification",
    "Priority",
    "Product",
    "ProgressLabel",
    "Rating",
    "Severity",
    "Ticket",
    "TicketEntry",
    "TicketFollower",
]
