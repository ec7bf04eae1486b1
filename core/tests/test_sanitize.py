"""nh3 judges every image: only the addresses the caller vouches for are shown."""

from core.sanitize import clean_html, text_to_html


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
