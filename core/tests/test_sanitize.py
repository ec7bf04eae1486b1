"""nh3 judges what is kept: the editor's tags and styles, each image only from an address the
caller vouches for; scripts, handlers, remote images and the rest stripped."""

import pytest

from core.sanitize import clean_html, html_to_text, text_to_html


def test_without_a_source_no_image_is_kept():
    raw = '<p>a<img src="cid:x@y"><img src="https://t.example/p.gif"><img src="/t/1/files/2/"></p>'
    assert clean_html(raw) == "<p>a</p>"


def test_an_image_is_shown_only_from_the_address_its_source_gives():
    shown = {"cid:x@y": "/tickets/1/files/2/"}.get
    raw = '<p><img src="cid:x@y" alt="tela" onerror="alert(1)"><img src="cid:other"></p>'
    shown_html = '<p><img src="/tickets/1/files/2/" alt="tela"></p>'
    assert clean_html(raw, image_source=shown) == shown_html


def test_remote_images_and_data_uris_stay_out_whatever_the_source_says():
    def anything(src):
        return src

    raw = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><img src="javascript:alert(1)">'
    assert clean_html(raw, image_source=anything) == ""
    assert clean_html('<a href="cid:x@y">x</a>') == '<a rel="noopener noreferrer nofollow">x</a>'


def test_blank_lines_part_paragraphs_and_several_make_one_gap():
    assert text_to_html("a\n\nb") == "<p>a</p><p>b</p>"
    assert text_to_html("a\r\n\r\n\r\n \r\nb\nc") == "<p>a</p><p>b<br>c</p>"


# What the editor (static/js/editor.js) writes, each kept as written.
KEPT = [
    "<p>a</p>",
    "<div>a</div>",
    "<p>a<br>b</p>",
    "<p><strong>a</strong><b>b</b></p>",
    "<p><em>a</em><i>b</i></p>",
    "<p><u>a</u><s>b</s><del>c</del></p>",
    "<p>H<sub>2</sub>O x<sup>2</sup></p>",
    "<ul><li>a</li></ul>",
    '<ol start="3"><li>a</li></ol>',
    "<blockquote><p>a</p></blockquote>",
    "<pre><code>a</code></pre>",
    "<h1>a</h1>",
    "<h2>a</h2>",
    "<h3>a</h3>",
    "<h4>a</h4>",
    "<hr>",
    "<table><caption>c</caption><thead><tr><th>a</th></tr></thead>"
    '<tbody><tr><td colspan="2" rowspan="3">b</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot>'
    "</table>",
    '<table><colgroup span="2"><col span="1"></colgroup><tbody><tr><td>a</td></tr></tbody></table>',
    '<p><a href="https://example.com/x" rel="noopener noreferrer nofollow">a</a></p>',
    '<p><a href="mailto:a@example.com" rel="noopener noreferrer nofollow">a</a></p>',
    '<p><span style="color:#c00000">a</span></p>',
    '<p><span style="background-color:rgb(255, 255, 0)">a</span></p>',
    '<p><span style="font-size:18px">a</span></p>',
    # nh3 writes a font list its own way (a space before each comma): the same CSS.
    '<p><span style="font-family:Arial , Helvetica , sans-serif">a</span></p>',
    '<p style="text-align:center">a</p>',
    '<p style="padding-left:40px">a</p>',
    '<p style="margin-left:40px">a</p>',
    '<table style="border-collapse:collapse;width:100%"><tbody><tr>'
    '<td style="width:50%;vertical-align:top">a</td></tr></tbody></table>',
]


@pytest.mark.parametrize("html", KEPT)
def test_what_the_editor_writes_is_kept(html):
    assert clean_html(html) == html


def test_an_image_pasted_in_the_editor_is_kept_where_the_form_vouches_for_it():
    ours = {"/drafts/images/7/"}.__contains__

    def shown(src):
        return src if ours(src) else None

    raw = (
        '<p><img src="/drafts/images/7/" alt="tela" style="width: 40px">'
        '<img src="/drafts/images/8/"></p>'
    )
    assert clean_html(raw, image_source=shown) == (
        '<p><img src="/drafts/images/7/" alt="tela" style="width:40px"></p>'
    )


BARE_LINK = '<a rel="noopener noreferrer nofollow">a</a>'
STRIPPED = {
    "script": ("<p>a</p><script>alert(1)</script>", "<p>a</p>"),
    "style element": ("<style>p{color:red}</style><p>a</p>", "<p>a</p>"),
    "event handler": ('<p onclick="alert(1)" onmouseover="x()">a</p>', "<p>a</p>"),
    "javascript link": ('<a href="javascript:alert(1)">a</a>', BARE_LINK),
    "data link": ('<a href="data:text/html,x">a</a>', BARE_LINK),
    "remote image": ('<p>a<img src="https://tracker.example/p.gif"></p>', "<p>a</p>"),
    "image from another of our pages": ('<p>a<img src="/drafts/images/9/"></p>', "<p>a</p>"),
    "style url()": ('<p style="background-color: url(https://x.example/)">a</p>', "<p>a</p>"),
    "style background-image": ('<p style="background-image: url(/x)">a</p>', "<p>a</p>"),
    "style expression()": ('<span style="color: expression(alert(1))">a</span>', "<span>a</span>"),
    "style escapes": ('<span style="color: \\72 ed">a</span>', "<span>a</span>"),
    "style position": ('<div style="position: fixed; top: 0">a</div>', "<div>a</div>"),
    "style javascript": ('<span style="font-family: javascript">a</span>', "<span>a</span>"),
    "iframe": ('<iframe src="https://x.example/"></iframe><p>a</p>', "<p>a</p>"),
    "form": ('<form action="/x"><input name="a"><button>b</button></form>', "b"),
    "svg": ('<svg onload="alert(1)"><circle r="1"></circle></svg><p>a</p>', "<p>a</p>"),
    "math": ("<math><mi>x</mi></math>", ""),
    "object": ('<object data="x.swf"></object><embed src="x.swf"><p>a</p>', "<p>a</p>"),
    "class and id": ('<p class="btn" id="x">a</p>', "<p>a</p>"),
    "bad span": ('<table><tbody><tr><td colspan="x" rowspan="999999">a</td></tr></tbody></table>',
                 "<table><tbody><tr><td>a</td></tr></tbody></table>"),
    "comment": ("<p>a<!-- secret --></p>", "<p>a</p>"),
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=https://x.example/"><p>a</p>',
                     "<p>a</p>"),
    "base and link": ('<base href="https://x.example/"><link rel="stylesheet" href="x.css">a', "a"),
}  # fmt: skip


@pytest.mark.parametrize(("raw", "kept"), STRIPPED.values(), ids=STRIPPED.keys())
def test_what_the_server_does_not_allow_is_stripped(raw, kept):
    assert clean_html(raw) == kept


def test_the_break_an_editor_leaves_after_the_last_word_goes_but_blank_lines_stay():
    assert clean_html("<p>a<br></p><p><br></p><p>b<br><br></p>") == (
        "<p>a</p><p><br></p><p>b<br><br></p>"
    )


def test_a_table_reads_as_lines_of_cells_in_text():
    html = (
        "<table><tbody><tr><td>Month</td><td>Total</td></tr><tr><td>March</td></tr></tbody></table>"
    )
    assert html_to_text(html) == "Month Total\nMarch"
