from .config import CannedReply, Category, Priority, Product, ProgressLabel, Severity
from .fieldwork import EmailTemplate, ServiceOrder, TicketTask
from .inbound import InboundEmail
from .ticket import (
    Attachment,
    EntryLink,
    GuestLink,
    Notification,
    QueueCount,
    Rating,
    Ticket,
    TicketEntry,
    TicketFollower,
    TicketPdf,
    TicketSearch,
)

__all__ = [
    "Attachment",
    "CannedReply",
    "Category",
    "EmailTemplate",
    "EntryLink",
    "GuestLink",
    "InboundEmail",
    "Notification",
    "Priority",
    "Product",
    "ProgressLabel",
    "QueueCount",
    "Rating",
    "ServiceOrder",
    "Severity",
    "Ticket",
    "TicketEntry",
    "TicketFollower",
    "TicketPdf",
    "TicketSearch",
    "TicketTask",
]
