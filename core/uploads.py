"""Request bodies past REQUEST_BODY_MAX_BYTES are refused before they are read.

DATA_UPLOAD_MAX_MEMORY_SIZE does not count files, so without this a 200 MB upload is read
whole before a form finds it too large. Three places stop it, each where it first can:

- `limit_asgi_body` wraps the ASGI application: Django's ASGI handler reads the whole body
  before any middleware runs, so a body declared too large is not read at all, and one sent
  without a length stops being read at the limit.
- `LimitedUploadHandler` (FILE_UPLOAD_HANDLERS) stops a multipart body at the limit when its
  length was not declared.
- `BodyLimitMiddleware` answers all of these with a 413 page, before a view runs.
"""

import asyncio

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render

TOO_LARGE = "helpdesk.body_too_large"


def _declared_length(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def limit_asgi_body(app):
    """The ASGI `app`, reading at most REQUEST_BODY_MAX_BYTES of an HTTP request's body."""

    async def limited(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        limit = settings.REQUEST_BODY_MAX_BYTES
        scope = {**scope, TOO_LARGE: False}
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if _declared_length(declared) > limit:
            scope[TOO_LARGE] = True
        received, cut = 0, False

        async def receive_within_limit():
            nonlocal received, cut
            if cut:
                # Django listens for a disconnect until it has answered, then cancels this;
                # the rest of the body is left unread (the server closes the connection).
                await asyncio.Event().wait()
            if scope[TOO_LARGE]:
                cut = True
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    scope[TOO_LARGE] = cut = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        return await app(scope, receive_within_limit, send)

    return limited


class LimitedUploadHandler(FileUploadHandler):
    """Counts a multipart body's file bytes and stops reading past the limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.REQUEST_BODY_MAX_BYTES:
            if self.request is not None:
                setattr(self.request, TOO_LARGE, True)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_large(request) -> bool:
    return (
        getattr(request, TOO_LARGE, False)
        or getattr(request, "scope", {}).get(TOO_LARGE, False)
        or _declared_length(request.META.get("CONTENT_LENGTH")) > settings.REQUEST_BODY_MAX_BYTES
    )


class BodyLimitMiddleware:
    """Placed before CsrfViewMiddleware, which would read the body first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _too_large(request):
            return refuse(request)
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            request.POST  # noqa: B018 - parsed here, so the upload handler has counted it
            if _too_large(request):
                return refuse(request)
        return None


def refuse(request):
    limit = settings.REQUEST_BODY_MAX_BYTES
    return render(request, "core/too_large.html", {"limit": limit}, status=413)
