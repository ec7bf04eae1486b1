"""Storing attached files and making thumbnails of images."""

from django.core.files.base import ContentFile
from django.urls import reverse

from core.files import clean_filename
from core.images import thumbnail_png
from core.queue import enqueue_on_commit
from drafts.services import discard_used
from tickets.files import content_type_for
from tickets.models import Attachment

THUMBNAIL_SIZE = (320, 240)


def store_attachments(entry, files) -> list[Attachment]:
    """Save files already checked by `tickets.files.check_uploads` on an entry."""
    stored = []
    for upload in files:
        name = clean_filename(upload.name)
        attachment = Attachment(
            entry=entry,
            name=name,
            content_type=content_type_for(name) or "application/octet-stream",
            size=upload.size,
            note=(getattr(upload, "note", "") or "")[:500],
        )
        upload.seek(0)
        attachment.file.save(name, upload, save=False)
        attachment.save()
        if attachment.is_image:
            enqueue_on_commit("tickets.tasks.make_thumbnail", attachment.id)
        stored.append(attachment)
    discard_used(files)
    return stored


def inline_files(files, stored: list[Attachment]) -> dict[str, Attachment]:
    """The stored file of each inline image, by the src it was written with (a mail's `cid:`
    URL, the draft address of an image pasted in the editor)."""
    found = {}
    for upload, kept in zip(files, stored, strict=True):
        if getattr(upload, "content_id", ""):
            found[f"cid:{upload.content_id}"] = kept
        if getattr(upload, "draft_id", None) and kept.is_image:
            found[reverse("draft_image", args=[upload.draft_id])] = kept
    return found


def inline_images(ticket, files, stored: list[Attachment]) -> dict[str, str]:
    """The address each inline image is shown from, by the src it was written with: the view
    of its stored file, which asks who may see it."""
    return {
        src: reverse("tickets:attachment", args=[ticket.number, kept.id])
        for src, kept in inline_files(files, stored).items()
    }


def make_thumbnail(*, attachment_id: int) -> None:
    """A PNG at most 320x240 of an image attachment; nothing if it is gone or unreadable."""
    attachment = Attachment.objects.filter(id=attachment_id).first()
    if attachment is None or not attachment.is_image or attachment.thumbnail:
        return
    with attachment.file.open("rb") as source:
        png = thumbnail_png(source, THUMBNAIL_SIZE)
    if png is not None:
        attachment.thumbnail.save("thumb.png", ContentFile(png), save=False)
        attachment.save(update_fields=["thumbnail"])
