"""The rows of the ticket lists and the entries of a ticket's history, for the Django pages:
each drawn by a Jinja2 fragment of templates/jinja2/tickets/ (core.jinja), autoescaped.

A row drawn by the Django template language cost about 0.1 ms (a dozen variables, two URLs,
two dates and a few translated badges, each through the engine's lookups); by Jinja2 a third
of that. The fragments do no query: the views load everything they show.
"""

from django import template

from core.jinja import render_fragment
from tickets import history
from tickets.workflow import Status

register = template.Library()


def _status_labels() -> dict[str, str]:
    """Each status's label in the reader's language, translated once a list, not once a row."""
    return {value: str(label) for value, label in Status.choices}


@register.simple_tag
def queue_rows(tickets):
    """The rows of an agent queue."""
    return render_fragment(
        "tickets/_queue_rows.html",
        {"tickets": tickets, "statuses": _status_labels()},
    )


@register.simple_tag
def search_rows(tickets):
    """The rows of the agents' search results (and of their saved views)."""
    return render_fragment(
        "tickets/_search_rows.html",
        {"tickets": tickets, "statuses": _status_labels()},
    )


@register.simple_tag(takes_context=True)
def portal_rows(context, tickets, scope):
    """The rows of the customer's list (their tickets, or their organization's)."""
    user = context["user"]  # a master user's both tabs name the company (S2)
    return render_fragment(
        "tickets/_portal_rows.html",
        {"tickets": tickets, "scope": scope, "user_id": user.id, "company": user.is_master},
    )


@register.simple_tag
def staff_thread(entries, ticket):
    """The agent page's history (`queues.agent_thread()`)."""
    return history.staff_thread(entries, ticket)


@register.simple_tag(takes_context=True)
def customer_thread(context, entries, ticket, may_act):
    """The customer's page's history (`selectors.public_thread()`) as its reader reads it."""
    user = context["user"]
    reader_id = user.id if user.is_authenticated else None
    return history.customer_thread(entries, ticket, may_act=may_act, reader_id=reader_id)
