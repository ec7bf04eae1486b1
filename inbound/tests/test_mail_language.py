"""Mail in the recipient's language: theirs when they chose one (the page they came from, the
chat's), the site's otherwise; dates in that language's formats, never US or ISO ones."""

import pytest
from django.core import mail
from django.test import override_settings

from accounts import services as account_services
from mail.rendering import render_email
from tickets.tests.factories import DepartmentFactory

from ..handler import receive
from .test_handler import eml

pytestmark = pytest.mark.django_db

PORTUGUESE = override_settings(LANGUAGE_CODE="pt-br")


@PORTUGUESE
def test_a_customer_who_first_writes_by_mail_gets_the_receipt_in_the_sites_language(
    django_capture_on_commit_callbacks,
):
    DepartmentFactory(name="Support", email="support@helpdesk.example")
    with django_capture_on_commit_callbacks(execute=True):
        receive(eml("gmail_new_ticket.eml"))
    (receipt,) = mail.outbox
    assert "Ticket recebido:" in receipt.subject
    assert "Ticket received" not in receipt.subject + receipt.body


@PORTUGUESE
def test_a_client_an_agent_adds_gets_mail_in_the_sites_language(agent):
    person = account_services.create_customer(
        actor=agent, full_name="Clara Cliente", email="clara@example.com"
    )
    assert person.language == ""
    assert person.mail_language == "pt-br"


@override_settings(LANGUAGE_CODE="en")
def test_a_blank_language_follows_the_site_and_a_chosen_one_wins():
    context = {"session": None, "messages": []}
    assert render_email("chat/transcript", context, language="")[0] == (
        "Your conversation with our support"
    )
    assert render_email("chat/transcript", context, language="pt-br")[0] == (
        "Sua conversa com o nosso suporte"
    )
