"""Cleaning what people write before it is stored (nh3, the Ammonia sanitizer).

nh3 is the one judge of what the editor's HTML keeps: the editor (static/js/editor.js) may
offer anything, only what is listed here is stored, shown and mailed.
"""

import html
import re
from collections.abc import Callable

import nh3

ALLOWED_TAGS = {
    "p", "div", "span", "br", "strong", "b", "em", "i", "u", "s", "del", "sub", "sup",
    "ul", "ol", "li", "a", "blockquote", "pre", "code", "h1", "h2", "h3", "h4", "img", "hr",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
}  # fmt: skip
# The editor writes colour, size, font, alignment and indent as inline styles; these
# properties only, each value judged by SAFE_STYLE_VALUE (no url(), no expression()).
STYLE_PROPERTIES = {
    "color", "background-color", "font-size", "font-family", "text-align", "padding-left",
    "margin-left", "width", "height", "border-collapse", "vertical-align",
}  # fmt: skip
STYLED = {"p", "div", "span", "li", "blockquote", "h1", "h2", "h3", "h4", "table", "tr", "th",
          "td", "col", "img", "strong", "em", "u", "s", "sub", "sup", "ol", "ul"}  # fmt: skip
CELL = {"colspan", "rowspan", "style"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "style"},
    "th": CELL | {"scope"},
    "td": CELL,
    "col": {"span", "style"},
    "colgroup": {"span"},
    "ol": {"start", "style"},
} | {tag: {"style"} for tag in STYLED - {"img", "th", "td", "col", "ol"}}
# cid: (RFC 2392) names an image sent in the same mail; it is never kept as a link, and an
# image only where the caller says where it is shown from.
URL_SCHEMES = {"http", "https", "mailto", "cid"}
IMAGE_WITHOUT_SOURCE = re.compile(r'<img(?![^>]*\ssrc=")[^>]*>')
BLOCK_END = re.compile(r"</(p|div|li|h[1-4]|blockquote|pre|tr)>|<br\s*/?>", re.IGNORECASE)
# A value of one of STYLE_PROPERTIES: words, numbers with units, #colours, rgb()/rgba(),
# quoted font names. Nothing else: no url(, no expression(, no escapes, no comments.
SAFE_STYLE_VALUE = re.compile(
    r"""^(?:[-#\w\s.,%'"]|rgba?\(\s*[\d.]+%?\s*(?:,\s*[\d.]+%?\s*){2,3}\))+$""", re.ASCII
)
# The line break an editor leaves after the last word of a block shows nothing.
TRAILING_BREAK = re.compile(r"(?<=[^>\s])<br>(?=</(?:p|div|li|t[dh]|h[1-4]|blockquote)>)")
UNSAFE_WORD = re.compile(r"expression|url|javascript", re.IGNORECASE)
NUMBER = re.compile(r"^\d{1,3}$")


def clean_style(value: str) -> str | None:
    """The declarations of a style attribute that are ours and safe, or None if none is."""
    kept = []
    for declaration in value.split(";"):
        name, colon, given = declaration.partition(":")
        name, given = name.strip().lower(), given.strip()
        safe = bool(given) and SAFE_STYLE_VALUE.match(given) and not UNSAFE_WORD.search(given)
        if colon and name in STYLE_PROPERTIES and safe:
            kept.append(f"{name}: {given}")
    return "; ".join(kept) or None


def clean_html(raw: str, *, image_source: Callable[[str], str | None] | None = None) -> str:
    """Formatting kept; scripts, styles, event handlers and javascript: links gone.

    An image stays only where `image_source` turns its src, as written, into the address it
    is shown from (a mail's inline image by its cid:, an image pasted in the editor by its
    draft's address); any other, remote or data: URI, goes.
    """

    def judged(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return image_source(value) if image_source else None
        if attribute == "href" and value.lower().startswith("cid:"):
            return None
        if attribute == "style":
            return clean_style(value)
        if attribute in {"colspan", "rowspan", "span", "start"}:
            return value if NUMBER.match(value) else None
        return value

    cleaned = nh3.clean(
        raw or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=judged,
        filter_style_properties=STYLE_PROPERTIES,
    )
    return TRAILING_BREAK.sub("", IMAGE_WITHOUT_SOURCE.sub("", cleaned)).strip()


def html_to_text(cleaned: str) -> str:
    """Plain text of cleaned HTML, one line per block, for search and text e-mail."""
    with_breaks = BLOCK_END.sub(lambda m: m.group(0) + "\n", cleaned or "")
    with_cells = re.sub(r"</t[hd]>", lambda m: m.group(0) + " ", with_breaks)
    text = html.unescape(nh3.clean(with_cells, tags=set()))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def text_to_html(text: str) -> str:
    """Plain text (e-mail, chat) as safe paragraphs."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.strip().splitlines()) + "</p>"
        for p in paragraphs
    )
