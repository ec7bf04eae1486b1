import pytest
from django.core.asgi import get_asgi_application
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from django.test.client import encode_multipart
from django.urls import reverse

from core.uploads import TOO_LARGE, limit_asgi_body

pytestmark = pytest.mark.django_db(transaction=True)

NEW = reverse("tickets:new")
MB = 1024 * 1024


def test_a_body_declared_past_the_limit_is_refused_unread_with_a_page(client):
    # The test client's body is 10 bytes: reading the 200 MB it declares would fail the test.
    response = client.generic(
        "POST", NEW, b"0123456789", content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * MB),
    )  # fmt: skip
    assert response.status_code == 413
    assert "Too large to send" in response.content.decode()
    assert response.templates[0].name == "core/too_large.html"


@override_settings(REQUEST_BODY_MAX_BYTES=MB)
def test_an_upload_streamed_past_the_limit_stops_being_read():
    body = encode_multipart(
        "B", {"title": "x", "attachments": SimpleUploadedFile("a.txt", b"a" * 3 * MB)}
    )
    request = RequestFactory().generic(
        "POST", NEW, body, content_type="multipart/form-data; boundary=B"
    )
    assert request.FILES.getlist("attachments") == []
    assert getattr(request, TOO_LARGE)


def test_an_upload_within_the_limit_arrives_whole():
    body = encode_multipart("B", {"attachments": SimpleUploadedFile("a.txt", b"a" * MB)})
    request = RequestFactory().generic(
        "POST", NEW, body, content_type="multipart/form-data; boundary=B"
    )
    assert request.FILES["attachments"].size == MB
    assert not getattr(request, TOO_LARGE, False)


async def call(app, headers, chunks):
    """Drive the ASGI `app` with a POST whose body comes in `chunks`; return (status, reads)."""
    reads = 0

    async def receive():
        nonlocal reads
        reads += 1
        more = reads < len(chunks)
        return {"type": "http.request", "body": chunks[reads - 1], "more_body": more}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": NEW, "raw_path": NEW.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
    }  # fmt: skip
    await limit_asgi_body(app)(scope, receive, send)
    return sent[0]["status"], reads


@pytest.fixture
def asgi_app():
    return get_asgi_application()


@pytest.mark.asyncio
async def test_asgi_a_body_declared_too_large_is_not_read_at_all(asgi_app):
    headers = [(b"content-type", b"multipart/form-data; boundary=x"),
               (b"content-length", str(200 * MB).encode())]  # fmt: skip
    status, reads = await call(asgi_app, headers, [b"x" * MB] * 200)
    assert (status, reads) == (413, 0)


@pytest.mark.asyncio
@override_settings(REQUEST_BODY_MAX_BYTES=3 * MB)
async def test_asgi_a_body_of_no_declared_length_is_read_up_to_the_limit(asgi_app):
    headers = [(b"content-type", b"multipart/form-data; boundary=x")]
    status, reads = await call(asgi_app, headers, [b"x" * MB] * 200)
    assert status == 413
    assert reads == 4  # the chunk that passes the limit is the last one read
