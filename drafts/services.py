"""Draft files: kept per form and owner until the form is sent, or for a day.

The owner is the signed-in person, or the session of a visitor. Every read and write is
scoped by the owner, so nobody lists, removes or attaches another's draft file.
"""

import contextvars
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from core.files import clean_filename

from .models import DraftFile

FORM_KEY = re.compile(r"^[0-9a-f]{32}$")
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Owner:
    user_id: int | None
    session_key: str


# The request being answered, set by DraftOwnerMiddleware: the forms that take draft files are
# built in a dozen views, and this spares each of them passing the owner along.
_request: contextvars.ContextVar = contextvars.ContextVar("draft_request", default=None)


def owner_of(request) -> Owner | None:
    """Who owns drafts made in `request`; None for a visitor with no session yet."""
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Owner(user.id, "")
    key = request.session.session_key
    return Owner(None, key) if key else None


def owner_starting_session(request) -> Owner:
    """The owner of `request`, a visitor's session started (saved) if it was not."""
    if not request.user.is_authenticated and not request.session.session_key:
        request.session.save()
    return owner_of(request) or Owner(None, request.session.session_key)


def current_owner(*, starting_session: bool = False) -> Owner | None:
    request = _request.get()
    if starting_session and request is not None:
        return owner_starting_session(request)
    return owner_of(request)


def form_key(value) -> str:
    """`value` if it is a draft's key, else a new one."""
    value = str(value or "")
    return value if FORM_KEY.match(value) else uuid.uuid4().hex


def _mine(owner: Owner | None):
    if owner is None:
        return DraftFile.objects.none()
    if owner.user_id is None:
        return DraftFile.objects.filter(user__isnull=True, session_key=owner.session_key)
    return DraftFile.objects.filter(user_id=owner.user_id, session_key="")


def draft_files(*, owner: Owner | None, key: str) -> list[DraftFile]:
    if not FORM_KEY.match(key or ""):
        return []
    return list(_mine(owner).filter(form_key=key, created__gte=timezone.now() - KEEP))


def as_uploads(drafts: list[DraftFile]) -> list[File]:
    """The draft files as uploads a form checks and a service stores, each knowing its draft."""
    uploads = []
    for draft in drafts:
        upload = File(draft.file.open("rb"), name=draft.name)
        upload.draft_id = draft.id  # type: ignore[attr-defined]
        uploads.append(upload)
    return uploads


@transaction.atomic
def add_draft_files(*, owner: Owner, key: str, uploads: list, check: Callable) -> list[DraftFile]:
    """Keep `uploads` in the draft `key`, if the draft with them still passes `check`.

    `check` is the rule of the form's files (count, size, type) that the form applies again
    when it is sent, raising ValidationError with every problem named; then nothing is kept.
    """
    if not FORM_KEY.match(key or ""):
        raise Http404
    held = draft_files(owner=owner, key=key)
    check([*as_uploads(held), *uploads])
    kept = []
    for upload in uploads:
        name = clean_filename(upload.name)
        draft = DraftFile(
            user_id=owner.user_id, session_key=owner.session_key, form_key=key, name=name,
            size=upload.size,
        )  # fmt: skip
        upload.seek(0)
        draft.file.save(name, upload, save=False)
        draft.save()
        kept.append(draft)
    return kept


def draft_file(*, owner: Owner | None, draft_id: int) -> DraftFile:
    """One of the owner's draft files still kept; 404 for anyone else's."""
    found = _mine(owner).filter(id=draft_id, created__gte=timezone.now() - KEEP).first()
    if found is None:
        raise Http404
    return found


@transaction.atomic
def remove_draft_file(*, owner: Owner | None, draft_id: int) -> str:
    """Remove one of the owner's draft files (404 for anyone else's); returns its form key."""
    draft = _mine(owner).filter(id=draft_id).first()
    if draft is None:
        raise Http404
    _delete([draft])
    return draft.form_key


def discard_used(files) -> None:
    """Drop the drafts of `files` just stored as attachments, in the caller's transaction."""
    ids = [f.draft_id for f in files if getattr(f, "draft_id", None)]
    if ids:
        _delete(list(DraftFile.objects.filter(id__in=ids)))


def purge_old_drafts(*, now=None) -> int:
    """Remove draft files older than a day (a form left unsent); returns how many."""
    old = list(DraftFile.objects.filter(created__lt=(now or timezone.now()) - KEEP))
    with transaction.atomic():
        _delete(old)
    return len(old)


def _delete(drafts: list[DraftFile]) -> None:
    files = [draft.file for draft in drafts]
    DraftFile.objects.filter(id__in=[draft.id for draft in drafts]).delete()

    def delete_stored():
        for file in files:
            file.delete(save=False)

    # The stored files go once the rows are gone for good: a rollback keeps both.
    transaction.on_commit(delete_stored)
