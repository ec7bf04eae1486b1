"""Cleaning what people write before it is stored (nh3, the Ammonia sanitizer)."""

import html
import re
from collections.abc import Callable

import nh3

ALLOWED_TAGS = {
    "p", "div", "br", "strong", "b", "em", "i", "u", "s", "del", "ul", "ol", "li", "a",
    "blockquote", "pre", "code", "h1", "h2", "h3", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
# cid: (RFC 2392) names an image sent in the same mail; it is never kept as a link, and an
# image only where the caller says where it is shown from.
URL_SCHEMES = {"http", "https", "mailto", "cid"}
IMAGE_WITHOUT_SOURCE = re.compile(r'<img(?![^>]*\ssrc=")[^>]*>')
BLOCK_END = re.compile(r"</(p|div|li|h[1-3]|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)


def clean_html(raw: str, *, image_source: Callable[[str], str | None] | None = None) -> str:
    """Formatting kept; scripts, styles, event handlers and javascript: links gone.

    An image stays only where `image_source` turns its src, as written, into the address it
    is shown from (a mail's inline image, by its cid:); any other, remote or data: URI, goes.
    """

    def judged(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return image_source(value) if image_source else None
        if attribute == "href" and value.lower().startswith("cid:"):
            return None
        return value

    cleaned = nh3.clean(
        raw or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=judged,
    )
    return IMAGE_WITHOUT_SOURCE.sub("", cleaned).strip()


def html_to_text(cleaned: str) -> str:
    """Plain text of cleaned HTML, one line per block, for search and text e-mail."""
    with_breaks = BLOCK_END.sub(lambda m: m.group(0) + "\n", cleaned or "")
    text = html.unescape(nh3.clean(with_breaks, tags=set()))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def text_to_html(text: str) -> str:
    """Plain text (e-mail, chat) as safe paragraphs."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.strip().splitlines()) + "</p>"
        for p in paragraphs
    )
