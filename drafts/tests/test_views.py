"""Files picked on a message's form, kept while the form is corrected."""

import os
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from drafts import services
from drafts.models import DraftFile
from drafts.tasks import purge_drafts
from tickets.files import MAX_FILES
from tickets.models import Attachment, Ticket
from tickets.tests.factories import CategoryFactory
from tickets.tests.fixtures import open_for, png_upload

pytestmark = pytest.mark.django_db

UPLOAD = reverse("draft_upload")
NEW = reverse("tickets:new")
GUEST_NEW = NEW  # a visitor with no account gets the guest form


def remove_url(draft):
    return reverse("draft_remove", args=[draft.id])


@pytest.fixture
def key():
    return uuid.uuid4().hex


@pytest.fixture
def form_data(department, normal_priority):
    category = CategoryFactory(name="Question")
    return {
        "title": "Invoices do not print",
        "department": department.id,
        "category": category.id,
        "priority": normal_priority.id,
        "body": "<div>The printer says no.</div>",
    }


def test_a_picked_file_is_kept_in_the_forms_draft_and_listed(client, light_user, key):
    client.force_login(light_user)
    response = client.post(UPLOAD, {"key": key, "file": png_upload("error.png")})
    assert response.status_code == 200
    draft = DraftFile.objects.get()
    assert (draft.user, draft.form_key, draft.name) == (light_user, key, "error.png")
    html = response.content.decode()
    assert "error.png" in html
    assert remove_url(draft) in html


def test_a_file_refused_at_upload_is_refused_by_the_rule_of_the_submit(client, light_user, key):
    client.force_login(light_user)
    fake = SimpleUploadedFile("report.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(UPLOAD, {"key": key, "file": fake})
    assert response.status_code == 400
    assert "report.pdf is not really a .pdf file." in response.content.decode()
    assert not DraftFile.objects.exists()


def test_the_count_counts_the_files_already_in_the_draft(client, light_user, key):
    client.force_login(light_user)
    for index in range(MAX_FILES):
        client.post(UPLOAD, {"key": key, "file": png_upload(f"s{index}.png", size=(8, 8))})
    response = client.post(UPLOAD, {"key": key, "file": png_upload("one-more.png")})
    assert response.status_code == 400
    assert f"Attach at most {MAX_FILES} files to one message." in response.content.decode()
    assert DraftFile.objects.count() == MAX_FILES


@pytest.mark.parametrize("bad_key", ["", "../../etc", "x" * 32])
def test_a_malformed_form_key_is_a_404(client, light_user, bad_key):
    client.force_login(light_user)
    response = client.post(UPLOAD, {"key": bad_key, "file": png_upload()})
    assert response.status_code == 404
    assert not DraftFile.objects.exists()


def test_an_upload_without_a_file_is_a_400(client, light_user, key):
    client.force_login(light_user)
    assert client.post(UPLOAD, {"key": key}).status_code == 400


def test_the_owner_removes_a_draft_file(client, light_user, key):
    client.force_login(light_user)
    client.post(UPLOAD, {"key": key, "file": png_upload("error.png")})
    draft = DraftFile.objects.get()
    response = client.post(remove_url(draft))
    assert response.status_code == 200
    assert "error.png" not in response.content.decode()
    assert not DraftFile.objects.exists()


def test_nobody_removes_another_persons_draft_file(client, light_user, colleague, key):
    client.force_login(light_user)
    client.post(UPLOAD, {"key": key, "file": png_upload()})
    draft = DraftFile.objects.get()
    other = Client()
    other.force_login(colleague)
    assert other.post(remove_url(draft)).status_code == 404
    assert Client().post(remove_url(draft)).status_code == 404  # a visitor
    assert DraftFile.objects.filter(id=draft.id).exists()


def test_a_failed_submit_keeps_the_files_and_the_fixed_one_attaches_them_once(
    client, light_user, form_data, key
):
    client.force_login(light_user)
    client.post(UPLOAD, {"key": key, "file": png_upload("error.png")})
    refused = client.post(NEW, {**form_data, "title": "", "draft": key})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "error.png" in html
    assert f'value="{key}"' in html  # the same draft, sent again with the corrected form

    response = client.post(NEW, {**form_data, "draft": key})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    names = list(Attachment.objects.filter(entry__ticket=ticket).values_list("name", flat=True))
    assert names == ["error.png"]
    assert not DraftFile.objects.exists()


def test_files_sent_with_a_refused_form_without_the_script_are_kept_for_the_correction(
    client, light_user, form_data
):
    # No script: the files come with the form itself, and no draft key was sent.
    client.force_login(light_user)
    refused = client.post(
        NEW, {**form_data, "title": "", "attachments": [png_upload("no-script.png")]}
    )
    assert refused.status_code == 200
    form = refused.context["form"]
    assert "title" in form.errors
    assert "attachments" not in form.errors
    assert [draft.name for draft in form.draft_files] == ["no-script.png"]
    html = refused.content.decode()
    assert "no-script.png" in html
    assert f'value="{form.draft_key}"' in html

    response = client.post(NEW, {**form_data, "draft": form.draft_key})
    assert response.status_code == 302
    assert list(Attachment.objects.values_list("name", flat=True)) == ["no-script.png"]
    assert not DraftFile.objects.exists()


def test_a_visitor_without_the_script_keeps_the_files_in_a_new_session(client, form_data):
    guest = {**form_data, "full_name": "Ana Souza", "email": "ana@example.com"}
    refused = client.post(GUEST_NEW, {**guest, "title": "", "attachments": [png_upload("g.png")]})
    assert "g.png" in refused.content.decode()
    key = refused.context["form"].draft_key
    assert DraftFile.objects.get().session_key == client.session.session_key
    assert client.post(GUEST_NEW, {**guest, "draft": key}).status_code == 302
    assert Attachment.objects.get().name == "g.png"


def test_refused_files_are_not_kept(client, light_user, form_data):
    client.force_login(light_user)
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    refused = client.post(NEW, {**form_data, "title": "", "attachments": [bad]})
    assert "attachments" in refused.context["form"].errors
    assert not DraftFile.objects.exists()


def test_draft_files_count_for_a_category_that_needs_an_attachment(
    client, light_user, form_data, nonconformity, key
):
    client.force_login(light_user)
    client.post(UPLOAD, {"key": key, "file": png_upload("error.png")})
    response = client.post(NEW, {**form_data, "category": nonconformity.id, "draft": key})
    assert response.status_code == 302
    assert Attachment.objects.get().name == "error.png"


def test_the_submit_checks_draft_and_picked_files_together(client, light_user, form_data, key):
    client.force_login(light_user)
    for index in range(MAX_FILES):
        client.post(UPLOAD, {"key": key, "file": png_upload(f"s{index}.png", size=(8, 8))})
    response = client.post(
        NEW, {**form_data, "draft": key, "attachments": [png_upload("eleventh.png")]}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert f"Attach at most {MAX_FILES} files to one message." in errors
    assert not Ticket.objects.exists()


def test_nobody_attaches_another_persons_draft_file(client, light_user, colleague, form_data, key):
    client.force_login(light_user)
    client.post(UPLOAD, {"key": key, "file": png_upload("private.png")})
    thief = Client()
    thief.force_login(colleague)
    assert thief.post(NEW, {**form_data, "draft": key}).status_code == 302
    assert not Attachment.objects.exists()
    assert DraftFile.objects.filter(user=light_user).count() == 1


def test_a_guest_keeps_files_in_the_sessions_draft(client, form_data, key):
    client.post(UPLOAD, {"key": key, "file": png_upload("guest.png")})
    draft = DraftFile.objects.get()
    assert draft.user is None
    assert draft.session_key == client.session.session_key
    guest = {**form_data, "full_name": "Ana Souza", "email": "ana@example.com", "draft": key}
    refused = client.post(GUEST_NEW, {**guest, "title": ""})
    assert "guest.png" in refused.content.decode()
    assert client.post(GUEST_NEW, guest).status_code == 302
    assert Attachment.objects.get().name == "guest.png"
    # another visitor's session does not reach it
    assert Client().post(remove_url(draft)).status_code == 404


def test_a_reply_takes_its_draft_files(client, light_user, department, normal_priority, key):
    ticket = open_for(light_user, department)
    client.force_login(light_user)
    client.post(UPLOAD, {"key": key, "file": png_upload("reply.png")})
    url = reverse("tickets:reply", args=[ticket.number])
    response = client.post(url, {"reply-body": "<p>Here it is.</p>", "reply-draft": key})
    assert response.status_code == 302
    assert Attachment.objects.get().entry.body_text.startswith("Here it is.")


def test_old_drafts_are_purged_after_a_day_with_their_files(
    light_user, key, django_capture_on_commit_callbacks
):
    owner = services.Owner(light_user.id, "")
    old, recent = (
        services.add_draft_files(owner=owner, key=key, uploads=[png_upload(name)], check=list)[0]
        for name in ("old.png", "recent.png")
    )
    DraftFile.objects.filter(id=old.id).update(created=timezone.now() - timedelta(days=1, hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_drafts() == 1
    assert list(DraftFile.objects.values_list("name", flat=True)) == ["recent.png"]
    assert not os.path.exists(old.file.path)
    assert os.path.exists(recent.file.path)
