"""Reply addresses with a MAC, the sender's address checked, sent links redacted, mail.W001."""

import re

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.urls import reverse

from accounts.services import request_password_reset
from mail import trust
from mail.checks import trusted_authserv_id
from mail.models import OutboundEmail
from mail.outbox import redacted

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_a_reply_address_is_plus_addressing_with_a_mac_of_number_and_recipient(settings):
    settings.INBOUND_REPLY_ADDRESS = "suporte@empresa.example"
    address = trust.reply_address(123456, "Maria@Example.com")
    assert re.fullmatch(r"suporte\+123456\.[0-9a-f]{16}@empresa\.example", address)
    assert trust.signed_numbers([address.upper()], "maria@example.com") == {123456}
    assert trust.signed_numbers([address], "joao@example.com") == set()
    tampered = address.replace("123456", "123457")
    assert trust.signed_numbers([tampered, "suporte@empresa.example"], "maria@example.com") == set()
    settings.SECRET_KEY = "another-secret-key-" * 3  # a key of its own per installation
    assert trust.signed_numbers([address], "maria@example.com") == set()


@pytest.mark.parametrize(
    ("name", "address", "valid"),
    [
        ("Maria", "maria@example.com", ("Maria", "maria@example.com")),
        ("<b>x</b>", "maria@example.com", ("", "maria@example.com")),
        ("", "<script>@evil.example", None),
        ("", "maria", None),
        ("", "maria@", None),
        ("", "a b@example.com", None),
        ("", "", None),
    ],
)
def test_a_sender_is_an_addr_spec_django_accepts(name, address, valid):
    assert trust.valid_sender(name, address) == valid


def test_a_sent_password_reset_keeps_no_token_link_in_its_row(
    light_user, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request_password_reset(email=light_user.email)
    (delivered,) = mail.outbox
    link = re.search(r"http://testserver/accounts/\S+", delivered.body).group(0)
    assert "/reset/" in link or "reset" in link
    row = OutboundEmail.objects.get(template="accounts/password_reset")
    assert row.status == OutboundEmail.Status.SENT
    assert link not in row.body_text
    assert link not in row.body_html
    assert "[redacted]" in row.body_text
    page = admin_client.get(reverse("admin:mail_outboundemail_change", args=[row.id]))
    assert page.status_code == 200
    assert link not in page.content.decode()
    assert "[redacted]" in page.content.decode()


def test_a_mail_not_sent_yet_keeps_its_link_for_the_retry(light_user):
    request_password_reset(email=light_user.email)  # no commit: nothing sent
    row = OutboundEmail.objects.get(template="accounts/password_reset")
    assert "[redacted]" not in row.body_text


def test_ordinary_links_are_kept():
    assert redacted("See http://testserver/tickets/123456/ now") == (
        "See http://testserver/tickets/123456/ now"
    )
    assert redacted("http://x/a/MQ/cd1234-0123456789abcdef0123/") == "[redacted]"


@pytest.mark.parametrize(
    ("imap", "pipe", "trusted", "warns"),
    [
        ("", False, "", False),
        ("imap.example", False, "", True),
        ("", True, "", True),
        ("imap.example", True, "mx.example", False),
    ],
)
def test_inbound_mail_without_a_trusted_authserv_id_warns_on_deploy(
    settings, imap, pipe, trusted, warns
):
    settings.IMAP_HOST, settings.INBOUND_PIPE = imap, pipe
    settings.INBOUND_TRUSTED_AUTHSERV_ID = trusted
    assert [w.id for w in trusted_authserv_id(None)] == (["mail.W001"] if warns else [])
    deploy = [w.id for w in run_checks(include_deployment_checks=True)]
    assert ("mail.W001" in deploy) is warns
