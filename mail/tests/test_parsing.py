"""Reading real-world mail: charsets, malformed MIME and quoted history (mail.parsing)."""

import base64
import time

import pytest

from mail import parsing

PDF = base64.b64encode(b"%PDF-1.4\n%%EOF\n")


def mail(headers: str, body: bytes) -> bytes:
    head = "From: Ana <ana@cliente.example>\nTo: support@helpdesk.example\nSubject: Oi\n"
    return (head + headers + "\n").encode() + body


def own_words(raw: bytes, *, reply: bool = False) -> str:
    html, _body = parsing.own_words_html(parsing.parse(raw), reply=reply)
    return html


def reply(text: str) -> str:
    return parsing.own_words_html(
        parsing.parse(mail("Content-Type: text/plain; charset=utf-8\n", text.encode())),
        reply=True,
    )[0]


@pytest.mark.parametrize("label", ["X-UNKNOWN", "unknown-8bit", "x-user-defined"])
def test_an_unknown_charset_label_falls_back_to_the_detected_one(label):
    text = "O relatório não abre: a página fica em branco e o botão não responde."
    raw = mail(f"Content-Type: text/plain; charset={label}\n", text.encode("cp1252"))
    assert text in own_words(raw)


def test_a_mac_cyrillic_label_is_read_by_its_python_name():
    text = "Не могу войти в личный кабинет"  # noqa: RUF001
    raw = mail("Content-Type: text/plain; charset=x-mac-cyrillic\n", text.encode("mac_cyrillic"))
    assert text in own_words(raw)


def test_a_wrong_charset_label_is_read_in_the_charset_detected():
    text = "A integração parou às 8h – as remessas não são geradas."  # noqa: RUF001
    raw = mail("Content-Type: text/plain; charset=us-ascii\n", text.encode("cp1252"))
    assert text in own_words(raw)


def test_undecodable_bytes_become_replacement_characters_not_an_error():
    raw = mail("Content-Type: text/plain; charset=X-UNKNOWN\n", b"ok \x81\x8d\x8f\x90\x9d")
    assert "ok" in own_words(raw)


MIXED = b"""--%(b)s
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

O sistema mostra "formato inv=E1lido".

--%(b)s
Content-Type: application/pdf; name="pedidos.pdf"
Content-Disposition: attachment; filename="pedidos.pdf"
Content-Transfer-Encoding: base64

%(pdf)s
--%(b)s--
"""


def test_outlook_expresss_unquoted_boundary_keeps_the_text_and_the_file():
    boundary = b"----=_NextPart_000_0007_01DA2F4B.8C3E5A60"
    raw = mail(
        "MIME-Version: 1.0\nContent-Type: multipart/mixed;\n\tboundary=" + boundary.decode() + "\n",
        MIXED % {b"b": boundary, b"pdf": PDF},
    )
    message = parsing.parse(raw)
    html, body = parsing.own_words_html(message, reply=False)
    assert "formato inválido" in html
    assert [f.name for f in parsing.attached_files(message, body)] == ["pedidos.pdf"]
    assert parsing.unreadable_original(message, body) is None


def test_a_missing_boundary_is_guessed_from_the_lines_that_repeat():
    raw = mail("MIME-Version: 1.0\nContent-Type: multipart/mixed\n", MIXED % {
        b"b": b"=_limite_9f8e7d", b"pdf": PDF
    })  # fmt: skip
    message = parsing.parse(raw)
    html, body = parsing.own_words_html(message, reply=False)
    assert "formato inválido" in html
    assert [f.name for f in parsing.attached_files(message, body)] == ["pedidos.pdf"]


def test_a_mail_that_cannot_be_read_whole_is_handed_back_as_eml():
    raw = mail("MIME-Version: 1.0\nContent-Type: multipart/mixed\n", b"garbled\n" + PDF)
    message = parsing.parse(raw)
    _html, body = parsing.own_words_html(message, reply=False)
    original = parsing.unreadable_original(message, body)
    assert original.name == "original.eml"
    assert original.content_type == "message/rfc822"
    assert original.read() == raw


def test_a_well_formed_mail_is_not_handed_back_as_eml():
    message = parsing.parse(mail("Content-Type: text/plain\n", b"Bom dia"))
    _html, body = parsing.own_words_html(message, reply=False)
    assert parsing.unreadable_original(message, body) is None


def test_a_broken_header_line_keeps_the_from_below_it():
    raw = (
        b"Subject: Aplicativo fecha sozinho\nna agenda de visitas\n"
        b"From: Fernanda <fernanda@transportes.example>\nTo: support@helpdesk.example\n"
        b"Content-Type: text/plain\n\nO aplicativo fecha.\n"
    )
    message = parsing.parse(raw)
    assert parsing.sender_of(message) == ("Fernanda", "fernanda@transportes.example")
    assert parsing.subject_of(message) == "Aplicativo fecha sozinho na agenda de visitas"
    assert "O aplicativo fecha." in own_words(raw)


QUOTE = "> Qual versão do sistema você usa?\n>\n> [#1234567]\n"


@pytest.mark.parametrize(
    "attribution",
    [
        "Em seg., 1 de dez. de 2026 às 10:00, Help desk <support@helpdesk.example>\nescreveu:",
        "Em 1 de dez. de 2026, à(s) 10:00, Help desk <support@helpdesk.example> escreveu:",
        "Em ter, 1 de dez de 2026 10:00, Help desk <support@helpdesk.example> escreveu:",
        "Em 01/12/2026 10:00, Help desk escreveu:",
        "On Tue, Dec 1, 2026 at 10:00 AM Help desk <support@helpdesk.example>\nwrote:",
        "El lun, 1 dic 2026 a las 10:00, Help desk (<support@helpdesk.example>)\nescribió:",
        "Le mar. 1 déc. 2026 à 10:00, Help desk <support@helpdesk.example> a écrit :",
        "Am Di., 1. Dez. 2026 um 10:00 Uhr schrieb Help desk <support@helpdesk.example>:",
        "* Help desk <support@helpdesk.example> [2026-12-01 10:00]:",
    ],
)
def test_an_attribution_in_any_clients_shape_is_cut_with_its_quote(attribution):
    html = reply(f"Uso a versão 2.4.\n\n{attribution}\n\n{QUOTE}")
    assert "Uso a versão 2.4." in html
    assert "Help desk" not in html
    assert "Qual versão" not in html


def test_a_line_of_the_customers_text_starting_with_de_or_from_is_no_cut():
    html = reply(
        "De: 10h às 12h o sistema ficou fora.\nFrom: the front desk, the same error.\n"
        "Uso a versão 2.4.\n\nDe: Help desk <support@helpdesk.example>\n"
        "Enviado: terça-feira, 1 de dezembro de 2026 10:00\nPara: João\n"
        "Assunto: [#1234567] Nova resposta\n\nQual versão do sistema você usa?\n"
    )
    assert "De: 10h às 12h o sistema ficou fora." in html
    assert "From: the front desk" in html
    assert "Uso a versão 2.4." in html
    assert "Assunto" not in html
    assert "Qual versão" not in html


def test_a_bottom_posted_answer_keeps_the_greeting_and_the_answer():
    html = reply(f"Olá,\n\nEm 01/12/2026 10:00, Help desk escreveu:\n{QUOTE}\nVersão 2.4.\n")
    assert "Olá," in html
    assert "Versão 2.4." in html
    assert "escreveu" not in html
    assert "Qual versão" not in html


def test_the_history_under_an_outlook_separator_is_cut_to_the_end():
    html = reply(
        "Segue.\n\n-----Mensagem original-----\nDe: Help desk\nQual versão?\n\nMais texto\n"
    )
    assert "Segue." in html
    assert "Mais texto" not in html


@pytest.mark.parametrize(
    "headers",
    [
        b"From: =?X-UNKNOWN?Q?Jo=E3o_Sim=F5es?= <joao@cliente.example>\n"
        b"Subject: =?x-unknown?Q?Relat=F3rio_de_comiss=F5es?=\n",
        "From: João Simões <joao@cliente.example>\nSubject: Relatório de comissões\n".encode(
            "latin-1"
        ),
        "From: João Simões <joao@cliente.example>\nSubject: Relatório de comissões\n".encode(),
    ],
    ids=["unknown-charset", "raw-latin-1", "raw-utf-8"],
)
def test_a_header_in_an_unknown_charset_or_in_raw_bytes_is_read(headers):
    message = parsing.parse(headers + b"Content-Type: text/plain\n\nOi\n")
    assert parsing.sender_of(message) == ("João Simões", "joao@cliente.example")
    assert parsing.subject_of(message) == "Relatório de comissões"


def test_a_long_reply_of_lines_that_look_like_attributions_is_read_in_linear_time():
    # One regex spanning the wrapped lines took 7 s on this; line by line it takes 0.2 s.
    text = ("On 1 2 3 x " * 20 + "\n") * 2000
    started = time.monotonic()
    parsing.own_words_html(
        parsing.parse(mail("Content-Type: text/plain\n", text.encode())), reply=True
    )
    assert time.monotonic() - started < 3
