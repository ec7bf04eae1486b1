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
from .mail import InboundEmail, MailboxStatus, OutboundEmail
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
    "InboundEmail",
    "MailboxStatus",
    "Notification",
    "OutboundEmail",
    "Priority",
    "Product",
    "ProgressLabel",
    "Rating",
    "Severity",
    "Ticket",
    "TicketEntry",
    "TicketFollower",
]
