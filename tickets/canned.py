"""Canned replies (S3 "Respostas padrões") with their placeholders filled for one ticket."""

from django.db.models import Q
from django.utils.html import escape

from core.sanitize import clean_html

from .models import CannedReply


def placeholders(ticket, agent) -> dict[str, str]:
    requester = ticket.requester
    return {
        "customer_first_name": requester.first_name,
        "customer_name": requester.full_name,
        "ticket_number": ticket.reference,
        "ticket_title": ticket.title,
        "agent_name": agent.full_name,
    }


def fill_text(text: str, values: dict[str, str]) -> str:
    """Replace {name} placeholders in plain text; unknown ones stay as typed."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def fill(text: str, values: dict[str, str]) -> str:
    """The same in HTML: values are escaped and the result cleaned."""
    return clean_html(fill_text(text, {name: escape(value) for name, value in values.items()}))


def canned_replies_for(ticket, agent) -> list[tuple[int, str, str]]:
    """(id, title, filled HTML) of the ticket department's replies (whoever shared them), those
    of every department and the agent's own."""
    replies = CannedReply.objects.filter(
        Q(department_id=ticket.department_id)
        | Q(department__isnull=True) & (Q(owner__isnull=True) | Q(owner_id=agent.id))
    ).order_by("title")
    values = placeholders(ticket, agent)
    return [(reply.id, reply.title, fill(reply.body_html, values)) for reply in replies]
