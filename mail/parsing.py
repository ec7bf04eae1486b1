"""Reading a mail as a person would: who sent it, what it answers, whether a robot sent it,
the sender's own words without the quoted history, and its files. Knows no ticket: the
inbound handler (INBOUND_MAIL_HANDLER) decides what a mail does."""

import hashlib
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from core.sanitize import clean_html, text_to_html

MESSAGE_IDS = re.compile(r"<[^<>\s]+>")
COMMENTS = re.compile(r"\([^()]*\)")
AUTOMATIC_SENDERS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+@.-]|$)", re.IGNORECASE
)
# Where a reply's own words end and the quoted history begins, in the clients people use.
TEXT_QUOTE_MARKERS = re.compile(
    r"^(On .{5,200} wrote:|Em .{5,200} escreveu:|-{2,}\s*Original Message\s*-{2,}"
    r"|-{2,}\s*Mensagem original\s*-{2,}|From: .+|De: .+|_{10,})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
HTML_QUOTE_MARKERS = re.compile(
    r'<div[^>]+class="gmail_quote|<blockquote[^>]+type="cite"|<div[^>]+class="moz-cite-prefix"'
    r'|<div[^>]+id="divRplyFwdMsg"|<div[^>]+id="appendonsend"|<hr[^>]*>\s*<div[^>]*>\s*<b>From:'
    r"|<div[^>]+style=\"border:none;border-top:solid",
    re.IGNORECASE,
)


def parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)


def sender_of(message) -> tuple[str, str]:
    """(display name, address as written) of the From line."""
    return parseaddr(str(message.get("From", "")))


def subject_of(message) -> str:
    return " ".join(str(message.get("Subject", "")).split())


def referenced_ids(message) -> list[str]:
    """The Message-IDs this mail answers (In-Reply-To and References)."""
    return MESSAGE_IDS.findall(f"{message.get('In-Reply-To', '')} {message.get('References', '')}")


def recipients(message) -> set[str]:
    """Every address the mail was sent to, as the headers and the receiving server say."""
    headers = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
    values = [str(value) for header in headers for value in message.get_all(header, [])]
    return {address.strip().lower() for _name, address in getaddresses(values) if address}


def message_id_of(message, raw: bytes) -> str:
    found = MESSAGE_IDS.search(str(message.get("Message-ID", "")))
    if found:
        return found.group(0)[:250]
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@{settings.MAIL_DOMAIN}>"


def is_automatic(message, sender: str) -> bool:
    """Auto-replies, bounces and list mail never open tickets or cause replies (RFC 3834)."""
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return bool(
        (auto and auto != "no")
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or message.get("List-Id")
        or message.get("List-Unsubscribe")
        or message.get("X-Autoreply")
        or message.get("X-Autorespond")
        or message.get("X-Failed-Recipients")
        or str(message.get("Return-Path", "")).strip() == "<>"
        or message.get_content_type() == "multipart/report"
        or not sender
        or AUTOMATIC_SENDERS.match(sender)
    )


def sender_is_authenticated(message, sender: str) -> bool:
    """Whether a receiving server vouched for the From domain: dkim=pass or dmarc=pass.

    Only Authentication-Results headers (RFC 8601) from INBOUND_TRUSTED_AUTHSERV_ID count when
    it is set; unset, any such header does (the mail server must then drop the ones it
    receives from outside, as RFC 8601 section 5 asks).
    """
    domain = sender.rpartition("@")[2].lower()
    trusted = settings.INBOUND_TRUSTED_AUTHSERV_ID.lower()
    for header in message.get_all("Authentication-Results", []):
        value = str(header)
        while COMMENTS.search(value):  # comments nest
            value = COMMENTS.sub("", value)
        authserv_id, _sep, results = value.partition(";")
        if trusted and authserv_id.split()[:1] != [trusted]:
            continue
        for result in results.split(";"):
            if _vouches_for(result.split(), domain):
                return True
    return False


def _vouches_for(words: list[str], domain: str) -> bool:
    if not words or "=" not in words[0]:
        return False
    method, _sep, outcome = words[0].lower().partition("=")
    properties = dict(word.lower().partition("=")[::2] for word in words[1:] if "=" in word)
    if method == "dkim" and outcome == "pass":
        signer = properties.get("header.d") or properties.get("header.i", "").rpartition("@")[2]
        return _aligned(domain, signer)
    if method == "dmarc" and outcome == "pass":
        return _aligned(domain, properties.get("header.from", ""))
    return False


def _aligned(domain: str, other: str) -> bool:
    # Relaxed alignment: the signer may be the From domain or a parent of it.
    other = other.strip().lower().rstrip(".")
    return bool(other) and (domain == other or domain.endswith(f".{other}"))


def own_words_html(message, *, reply: bool) -> tuple[str, object]:
    """Cleaned HTML of the message's text (for a reply, without the quoted history), and the
    body part it came from (None when it has no text)."""
    body = message.get_body(preferencelist=("plain", "html") if reply else ("html", "plain"))
    html = ""
    if body is not None:
        text = body.get_content()
        if body.get_content_type() == "text/html":
            html = clean_html(_cut_html_quote(text) if reply else text)
        else:
            html = text_to_html(_cut_text_quote(text) if reply else text)
    return html, body


def attached_files(message, body) -> list[SimpleUploadedFile]:
    """The message's files and inline images as uploads; the other rendering of the body is not
    one of them."""
    files = []
    for part in message.walk():
        if part.is_multipart() or part is body or _is_alternative_body(part):
            continue
        upload = _as_upload(part)
        if upload is not None:
            files.append(upload)
    return files


def _is_alternative_body(part) -> bool:
    # The other rendering of the body (text next to HTML) is not an attachment.
    return (
        part.get_content_maintype() == "text"
        and part.get_filename() is None
        and part.get_content_disposition() != "attachment"
    )


def _as_upload(part):
    name = part.get_filename()
    content_type = part.get_content_type()
    if not name:
        if part.get_content_maintype() != "image":
            return None
        extension = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif"}.get(
            content_type, ".bin"
        )
        name = f"image{extension}"
    payload = part.get_payload(decode=True) or b""
    return SimpleUploadedFile(name, payload, content_type=content_type)


def _cut_text_quote(text: str) -> str:
    marker = TEXT_QUOTE_MARKERS.search(text)
    own = text[: marker.start()] if marker else text
    lines = own.rstrip().splitlines()
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(line for line in lines if not line.startswith(">")).strip() or text.strip()


def _cut_html_quote(html: str) -> str:
    marker = HTML_QUOTE_MARKERS.search(html)
    return html[: marker.start()] if marker and html[: marker.start()].strip() else html
