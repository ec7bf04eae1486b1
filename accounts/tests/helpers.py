import re

from django.core import mail


def link_in_last_mail(to: str) -> str:
    """The first link to this site in the newest mail sent to `to`."""
    messages = [message for message in mail.outbox if to in message.to]
    assert messages, f"no mail was sent to {to}"
    match = re.search(r"http://testserver(/\S+)", messages[-1].body)
    assert match, "the mail carries no link"
    return match.group(1)


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))
