"""Fixtures and helpers of the ticket tests, shared with every app above tickets (the root
conftest loads them)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import kept
from tickets import services
from tickets.tests.factories import CategoryFactory, PriorityFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def normal_priority(db):
    return PriorityFactory(
        name="Normal", is_default=True, first_response_hours=8, resolution_hours=48
    )


@pytest.fixture
def high_priority(db):
    return PriorityFactory(name="High", first_response_hours=2, resolution_hours=8)


@pytest.fixture
def nonconformity(db):
    return CategoryFactory(name="Nonconformity", requires_attachment=True)


def png_upload(name="screen.png", size=(400, 300)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def drop_kept():
    """Drop the tables pages keep between requests (core.kept), so that a count is the most a
    page costs; the session is still read from the cache, as it is in production once its
    person has signed in."""
    kept.forget()


def open_for(requester, department, **fields):
    """A ticket opened through the real service, as the portal does."""
    defaults = {"title": "Cannot print invoices", "body_html": "<p>The printer says no.</p>"}
    return services.open_ticket(
        actor=requester, requester=requester, department=department, **{**defaults, **fields}
    )


@pytest.fixture
def ticket(light_user, department, normal_priority, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return open_for(light_user, department)


def bomb_upload(name="huge.png"):
    """12,000 x 12,000 pixels in about 20 KB: half a gigabyte of memory once decoded."""
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, format="PNG", optimize=True)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
