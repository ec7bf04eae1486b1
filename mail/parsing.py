"""Reading a mail as a person would: who sent it, what it answers, whether a robot sent it,
the sender's own words without the quoted history, and its files. Knows no ticket: the
inbound handler (INBOUND_MAIL_HANDLER) decides what a mail does."""

import hashlib
import re
import weakref
from email import errors, message_from_bytes, policy
from email.header import decode_header
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from urllib.parse import unquote

from charset_normalizer import from_bytes
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from core.sanitize import clean_html, html_to_text, text_to_html

MESSAGE_IDS = re.compile(r"<[^<>\s]+>")
COMMENTS = re.compile(r"\([^()]*\)")
AUTOMATIC_SENDERS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+@.-]|$)", re.IGNORECASE
)
# Where a reply's own words end and the quoted history begins. An attribution ("On … wrote:",
# "Em … escreveu:", as Gmail, Apple Mail, Thunderbird, iPhone and Android write it, in English,
# Portuguese, Spanish, French, German, Italian and Russian) has a date in its first line and
# may be wrapped over three; Mutt writes "* Name <address> [2026-12-01 10:00]:".
ATTRIBUTION_START = re.compile(
    r"[ \t]*(-{1,3}[ \t]*)?((On|Em|El|Le|Am|Il|Op)\b.*?\d|\d{1,4}[./-]\d{1,2}[./-]\d{2,4})",
    re.IGNORECASE,
)
ATTRIBUTION_END = re.compile(
    r"((wrote|escreveu|escribió|a écrit|schrieb|ha scritto|schreef|написал)\s*|schrieb .+):\s*$",
    re.IGNORECASE,
)
MUTT_ATTRIBUTION = re.compile(r"\* .+ \[\d{4}-\d\d-\d\d[^\]]*\]:\s*$")
SEPARATOR = re.compile(
    r"^[ \t]*(-{2,}\s*(Original Message|Mensagem original|Mensaje original|Message d'origine"
    r"|Ursprüngliche Nachricht|Forwarded message|Mensagem encaminhada)\s*-{2,}|_{10,})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Outlook's block of the answered mail's headers: a From line with at least two of the others
# right under it, so a line of the customer's own text that starts with "De:" is no cut.
HEADER_BLOCK = re.compile(
    r"^[ \t]*\*?(From|De|Von)\s*:\*?[^\n]*(\n[ \t]*\*?(Sent|Date|To|Cc|Subject|Enviad[oa]"
    r"|Enviad[oa] e[ml]|Data|Para|Assunto|Fecha|Asunto|Gesendet|An|Betreff)\s*:\*?[^\n]*){2,}",
    re.IGNORECASE | re.MULTILINE,
)
HTML_QUOTE_MARKERS = re.compile(
    r'<div[^>]+class="gmail_quote|<blockquote[^>]+type="cite"|<div[^>]+class="moz-cite-prefix"'
    r'|<div[^>]+id="divRplyFwdMsg"|<div[^>]+id="appendonsend"|<hr[^>]*>\s*<div[^>]*>\s*<b>From:'
    r"|<div[^>]+style=\"border:none;border-top:solid",
    re.IGNORECASE,
)
CID_SOURCES = re.compile(r"""\ssrc\s*=\s*["']?(cid:[^"'\s>]+)""", re.IGNORECASE)


# Outlook Express writes boundaries unquoted, "=" and all, which the default policy cuts short.
UNQUOTED_BOUNDARY = re.compile(
    rb'(;[ \t]*(?:\r?\n[ \t]+)?boundary[ \t]*=[ \t]*)([^"\s;]+)', re.IGNORECASE
)
MULTIPART_TYPE = re.compile(
    rb"^(Content-Type:[ \t]*multipart/[\w.+-]+)", re.IGNORECASE | re.MULTILINE
)
HEADER_LINE = re.compile(rb"^([\x21-\x39\x3b-\x7e]+[ \t]*:|[ \t])")
BOUNDARY_LINE = re.compile(rb"^--([\x21-\x7e]{1,70}?)(--)?[ \t]*\r?$", re.MULTILINE)
# Defects after which some text or file of the mail may be missing from what was read.
LOSSY_DEFECTS = (
    errors.NoBoundaryInMultipartDefect,
    errors.StartBoundaryNotFoundDefect,
    errors.MultipartInvariantViolationDefect,
    errors.MissingHeaderBodySeparatorDefect,
    errors.InvalidBase64CharactersDefect,
    errors.InvalidBase64LengthDefect,
)
# Labels that mail clients write and Python's codecs do not know by that name.
CHARSET_ALIASES = {"x-mac-cyrillic": "mac_cyrillic", "x-mac-roman": "mac_roman"}
# The bytes each parsed message was read from, for the .eml kept when it could not be read.
_originals: "weakref.WeakKeyDictionary[EmailMessage, bytes]" = weakref.WeakKeyDictionary()


def parse(raw: bytes) -> EmailMessage:
    """The message as a person would read it, however malformed: broken header lines are
    joined to the header above them, unquoted boundaries quoted, a missing one guessed."""
    head, body = _repaired(raw)
    message = message_from_bytes(head + body, policy=policy.default)
    if message.get_content_maintype() == "multipart" and not message.is_multipart():
        guessed = _guessed_boundary(body)
        if guessed:
            head = MULTIPART_TYPE.sub(
                lambda found: found.group(1) + b'; boundary="' + guessed + b'"', head, count=1
            )
            message = message_from_bytes(head + body, policy=policy.default)
    _originals[message] = raw
    return message


def _repaired(raw: bytes) -> tuple[bytes, bytes]:
    """The headers (with the blank line that ends them) and the body, mended."""
    blank = re.search(rb"\r?\n\r?\n", raw)
    split = blank.end() if blank else len(raw)
    head, body = raw[:split], raw[split:]
    lines = head.splitlines(keepends=True)
    # A line that is neither "Name: value" nor a continuation would end the headers there
    # and lose the From below it; it is read as part of the header above.
    lines = [
        line if index == 0 or not line.strip() or HEADER_LINE.match(line) else b" " + line
        for index, line in enumerate(lines)
    ]
    return UNQUOTED_BOUNDARY.sub(rb'\1"\2"', b"".join(lines)), UNQUOTED_BOUNDARY.sub(
        rb'\1"\2"', body
    )


def _guessed_boundary(raw: bytes) -> bytes | None:
    # The boundary is the "--x" line that comes back, most often closed by "--x--".
    seen: dict[bytes, int] = {}
    for found in BOUNDARY_LINE.finditer(raw):
        seen[found.group(1)] = seen.get(found.group(1), 0) + 1
    repeated = [boundary for boundary, count in seen.items() if count > 1]
    return max(repeated, key=seen.get) if repeated else None


def sender_of(message) -> tuple[str, str]:
    """(display name, address as written) of the From line."""
    return parseaddr(_header_text(message, "From"))


def subject_of(message) -> str:
    return " ".join(_header_text(message, "Subject").split())


def _header_text(message, name: str) -> str:
    # An encoded word in an unknown charset, or raw 8-bit bytes, come out as "�": such a
    # header is decoded again from its source, as a text part would be.
    value = str(message.get(name, ""))
    if "\ufffd" not in value:
        return value
    source = next((raw for key, raw in message.raw_items() if key.lower() == name.lower()), "")
    words = []
    for chunk, charset in decode_header(source):
        if isinstance(chunk, str):
            chunk, charset = chunk.encode("utf-8", "surrogateescape"), None
        # Too short for a detector to tell: Windows-1252, as our clients write, after UTF-8.
        words.append(_decoded(chunk, charset or "us-ascii", fallback="cp1252"))
    return "".join(words)


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
    """Whether our receiving server vouched for the From domain: dkim=pass or dmarc=pass.

    Fails closed: with INBOUND_TRUSTED_AUTHSERV_ID unset nothing vouches; set, only the
    topmost Authentication-Results header (RFC 8601), the one our own server prepends, is
    read, and only when its authserv-id is that one. Headers further down came with the mail
    and anyone could have written them.
    """
    trusted = settings.INBOUND_TRUSTED_AUTHSERV_ID.strip().lower()
    headers = message.get_all("Authentication-Results", [])
    if not trusted or not headers:
        return False
    value = str(headers[0])
    while COMMENTS.search(value):  # comments nest
        value = COMMENTS.sub("", value)
    authserv_id, _sep, results = value.partition(";")
    if authserv_id.lower().split()[:1] != [trusted]:
        return False
    domain = sender.rpartition("@")[2].lower()
    return any(_vouches_for(result.split(), domain) for result in results.split(";"))


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


class MailFile(SimpleUploadedFile):
    """A file of a mail; `content_id` names the inline image its HTML shows by a cid: URL."""

    content_id = ""


def own_words_html(message, *, reply: bool) -> tuple[str, object]:
    """Cleaned HTML of the message's text (for a reply, without the quoted history), and the
    body part it came from (None when it has no text). An image of the mail itself keeps its
    place as `<img src="cid:…">`, for the ticket to point at the stored file; others go."""
    body = message.get_body(preferencelist=("plain", "html") if reply else ("html", "plain"))
    sent = {_content_id(part) for part in message.walk()} - {""}

    def source(src: str) -> str | None:
        cid = _content_id_of_url(src)
        return f"cid:{cid}" if cid in sent else None

    rich = message.get_body(preferencelist=("html",)) if reply and sent else None
    if rich is not None and any(source(src) for src in CID_SOURCES.findall(text_of(rich))):
        body = rich  # a reply read as text, unless its HTML shows the mail's own images
    html = ""
    if body is not None:
        text = text_of(body)
        if body.get_content_type() == "text/html":
            html = _cut_html_quote(text, source) if reply else clean_html(text, image_source=source)
        else:
            html = text_to_html(_cut_text_quote(text) if reply else text)
    return html, body


def text_of(part) -> str:
    """A text part's words: in its declared charset, else the one detected, else UTF-8 with
    replacement characters; a wrong or unknown label never loses the mail."""
    return _decoded(part.get_payload(decode=True) or b"", part.get_content_charset() or "us-ascii")


def _decoded(payload: bytes, declared: str, *, fallback: str = "") -> str:
    declared = declared.lower()
    try:
        return payload.decode(CHARSET_ALIASES.get(declared, declared))
    except (LookupError, UnicodeDecodeError):
        pass
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        if fallback:
            return payload.decode(fallback, "replace")
    # Mail is never unlabelled UTF-16 or UTF-32, though a few odd bytes can pass for them.
    found = [m for m in from_bytes(payload) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not found:
        return payload.decode("utf-8", "replace")
    # Short texts fit several Latin code pages equally well: the one our clients write wins.
    best = found[0]
    tied = [m for m in found if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    return str(next((m for m in tied if m.encoding == "cp1252"), best))


def unreadable_original(message, body) -> SimpleUploadedFile | None:
    """The raw mail as an .eml file when part of it could not be read (its MIME structure is
    broken and text or files may be missing), so that nothing the customer sent is lost."""
    raw = _originals.get(message)
    defects = [defect for part in message.walk() for defect in part.defects]
    lossy = any(isinstance(defect, LOSSY_DEFECTS) for defect in defects)
    if raw is None or not (lossy or (body is None and message.get_payload())):
        return None
    return SimpleUploadedFile("original.eml", raw, content_type="message/rfc822")


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
    upload = MailFile(name, payload, content_type=content_type)
    upload.content_id = _content_id(part)
    return upload


def _content_id(part) -> str:
    # "<id@host>" as the part's header writes it; compared without case, as clients differ.
    return str(part.get("Content-ID", "")).strip().strip("<>").strip().lower()


def _content_id_of_url(src: str) -> str:
    # RFC 2392: "cid:" and the Content-ID without its angle brackets, URL-encoded.
    if src[:4].lower() != "cid:":
        return ""
    return unquote(src[4:]).strip().strip("<>").strip().lower()


def _cut_text_quote(text: str) -> str:
    """The reply's own words: above the first attribution, separator or header block, and,
    for an answer written below the quote, the words after it too; quoted lines left out."""
    text = text.replace("\r\n", "\n")
    cut = _quote_start(text)
    above, below = text[:cut], ""
    if cut is not None:
        below = _after_quote(text[cut:])
    own = "\n".join(
        line for line in f"{above.rstrip()}\n\n{below}".splitlines() if not line.startswith(">")
    )
    return re.sub(r"\n{3,}", "\n\n", own).strip() or text.strip()


def _quote_start(text: str) -> int | None:
    starts = [
        found.start() for pattern in (SEPARATOR, HEADER_BLOCK) if (found := pattern.search(text))
    ]
    attribution = _attribution(text)
    if attribution is not None:
        starts.append(attribution)
    return min(starts, default=None)


def _attribution(text: str) -> int | None:
    """Where the first attribution starts; line by line, so a long mail costs linear time."""
    lines = text.splitlines(keepends=True)
    offset = 0
    for index, line in enumerate(lines):
        if MUTT_ATTRIBUTION.match(line) or (
            ATTRIBUTION_START.match(line) and _ends_attribution(lines[index : index + 3])
        ):
            return offset
        offset += len(line)
    return None


def _ends_attribution(lines: list[str]) -> bool:
    # The attribution's first line, or one of the two under it that wrap it (no blank line,
    # no quote, no indent in between), ends with the verb and a colon.
    for index, line in enumerate(lines):
        if index and (not line.strip() or line[0] in "> \t"):
            return False
        if ATTRIBUTION_END.search(line):
            return True
    return False


def _after_quote(history: str) -> str:
    # Bottom-posting: what follows a quote made only of "> " lines is the customer's answer.
    lines = history.splitlines()
    index = 1
    while index < len(lines) and not lines[index].startswith(">"):
        index += 1  # the rest of a wrapped attribution
    if index >= len(lines) or index > 3:
        return ""  # not a "> " quote: an Outlook-style history runs to the end
    while index < len(lines) and (lines[index].startswith(">") or not lines[index].strip()):
        index += 1
    return "\n".join(lines[index:])


def _cut_html_quote(html: str, source) -> str:
    """Cleaned HTML of a reply's own words: above a client's quote marker; for a client whose
    marks we do not know, by the text rules, in text (the formatting is lost, the words not)."""
    marker = HTML_QUOTE_MARKERS.search(html)
    above = marker and clean_html(html[: marker.start()], image_source=source)
    if above:
        return above
    cleaned = clean_html(html, image_source=source)
    text = html_to_text(cleaned)
    if _quote_start(text):
        return text_to_html(_cut_text_quote(text))
    return cleaned
