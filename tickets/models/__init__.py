from .config import (
    CannedReply,
    Category,
    ConfigurationItem,
    Department,
    PrintSettings,
    Priority,
    Product,
    ProgressLabel,
    Severity,
)
from .mail import InboundEmail, MailboxStatus, OutboundEmail, TicketPdf
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
    "PrintSettings",
    "Priority",
    "Product",
    "ProgressLabel",
    "Rating",
    "Severity",
    "Ticket",
    "TicketEntry",
    "TicketFollower",
    "TicketPdf",
]
