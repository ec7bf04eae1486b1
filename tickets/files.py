"""What may be attached to a ticket, checked on the server (SPEC §2: 25 MB a message)."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core import images
from core.files import clean_filename

# extension -> the content type we store and serve; nothing else is accepted.
ALLOWED_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".xml": "application/xml",
    ".rtf": "application/rtf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".zip": "application/zip",
    ".7z": "application/x-7z-compressed",
    ".gz": "application/gzip",
    ".eml": "message/rfc822",
}
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
# Files whose first bytes must match, so a renamed executable is not passed off as one.
SIGNATURES = {
    "application/pdf": (b"%PDF",),
    "application/zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "application/x-7z-compressed": (b"7z\xbc\xaf\x27\x1c",),
    "application/gzip": (b"\x1f\x8b",),
}
MAX_FILES = 10


def content_type_for(name: str) -> str | None:
    return ALLOWED_TYPES.get(PurePath(name).suffix.lower())


def check_uploads(files) -> list:
    """Validate a message's files together; returns them or raises with every problem named."""
    errors = []
    if len(files) > MAX_FILES:
        errors.append(_("Attach at most %(count)d files to one message.") % {"count": MAX_FILES})
    total = sum(f.size for f in files)
    limit = settings.TICKET_ATTACHMENTS_MAX_BYTES
    if total > limit:
        errors.append(
            _("The files add up to %(total)s; one message may carry at most %(limit)s.")
            % {"total": filesizeformat(total), "limit": filesizeformat(limit)}
        )
    for upload in files:
        problem = _problem_with(upload)
        if problem:
            errors.append(problem)
    if errors:
        raise ValidationError(errors)
    return list(files)


def _problem_with(upload) -> str | None:
    name = clean_filename(upload.name)
    content_type = content_type_for(name)
    if upload.size == 0:
        return _("%(name)s is empty.") % {"name": name}
    if content_type is None:
        return _("%(name)s: this type of file is not accepted. Compress it into a .zip file.") % {
            "name": name
        }
    if content_type in IMAGE_FORMATS:
        found = images.inspect(upload)
        if found.too_large:
            return _(
                "%(name)s has too many pixels to be shown safely; send an image of at most "
                "%(megapixels)d megapixels (a screenshot or a smaller photo)."
            ) % {"name": name, "megapixels": settings.IMAGE_MAX_PIXELS // 1_000_000}
        if found.format != IMAGE_FORMATS[content_type]:
            return _("%(name)s is not a valid image.") % {"name": name}
    signatures = SIGNATURES.get(content_type)
    if signatures:
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(signatures):
            return _("%(name)s is not really a %(ext)s file.") % {
                "name": name,
                "ext": PurePath(name).suffix,
            }
    return None
