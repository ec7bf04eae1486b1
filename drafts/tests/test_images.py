"""Images pasted or dropped in the editor: kept in the form's draft by the rule of a
message's files, shown to their owner only, and shown in place once the message is sent."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from drafts.models import DraftFile
from mail.models import OutboundEmail
from mail.outbox import _message
from tickets import services
from tickets.models import Attachment
from tickets.tests.fixtures import open_for, png_upload

pytestmark = pytest.mark.django_db

UPLOAD = reverse("draft_image_upload")


@pytest.fixture
def key():
    return uuid.uuid4().hex


def test_a_pasted_image_is_kept_in_the_draft_and_shown_to_its_owner_only(
    client, light_user, colleague, key
):
    client.force_login(light_user)
    response = client.post(UPLOAD, {"key": key, "file": png_upload("tela.png")})
    assert response.status_code == 200
    draft = DraftFile.objects.get()
    answer = response.json()
    assert answer["url"] == reverse("draft_image", args=[draft.id])
    assert "tela.png" in answer["box"]
    shown = client.get(answer["url"])
    assert (shown.status_code, shown["Content-Type"]) == (200, "image/png")
    client.force_login(colleague)
    assert client.get(answer["url"]).status_code == 404


def test_only_an_image_is_taken_and_by_the_rule_of_a_messages_files(client, light_user, key):
    client.force_login(light_user)
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    assert client.post(UPLOAD, {"key": key, "file": pdf}).status_code == 400
    with override_settings(TICKET_ATTACHMENTS_MAX_BYTES=100):
        refused = client.post(UPLOAD, {"key": key, "file": png_upload("big.png")})
    assert refused.status_code == 400
    assert "one message may carry at most" in refused.json()["errors"][0]
    assert not DraftFile.objects.exists()


def test_a_draft_file_that_is_not_an_image_is_not_shown(client, light_user, key):
    client.force_login(light_user)
    client.post(reverse("draft_upload"), {"key": key, "file": SimpleUploadedFile("a.txt", b"x")})
    draft = DraftFile.objects.get()
    assert client.get(reverse("draft_image", args=[draft.id])).status_code == 404


def test_a_reply_shows_its_pasted_image_in_place_and_mails_it_inline(
    client, agent, light_user, department, key
):
    ticket = open_for(light_user, department)
    services.claim_ticket(ticket=ticket, actor=agent)
    client.force_login(agent)
    url = client.post(UPLOAD, {"key": key, "file": png_upload("tela.png")}).json()["url"]
    body = f'<p>Veja:</p><p><img src="{url}" alt="tela"><img src="/drafts/images/999999/"></p>'
    reply = reverse("agent:reply", args=[ticket.number])
    response = client.post(
        reply, {"reply-body": body, "reply-draft": key, "reply-then": "reply_and_wait"}
    )
    assert response.status_code == 302
    image = Attachment.objects.get(entry__ticket=ticket)
    entry = image.entry
    assert entry.body_html == (
        f'<p>Veja:</p><p><img src="/tickets/{ticket.number}/files/{image.id}/" alt="tela"></p>'
    )
    assert not DraftFile.objects.exists()
    (row,) = OutboundEmail.objects.filter(to=light_user.email).exclude(attachments=[])
    (stored,) = row.attachments
    assert stored[1:3] == ["tela.png", "image/png"]
    assert f'<img src="cid:{stored[3]}" alt="tela">' in row.body_html
    message = _message(row).message()
    assert message.get_content_type() == "multipart/related"
    (part,) = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert part["Content-ID"] == f"<{stored[3]}>"
    assert part.get_content_disposition() == "inline"
