import io
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from printing import documents
from printing.models import PrintSettings
from tickets import printing, services
from tickets.models import TicketPdf
from tickets.tests.factories import ProgressLabelFactory
from tickets.tests.fixtures import open_for, png_upload

pytestmark = pytest.mark.django_db
REPORTS = Path(__file__).resolve().parent.parent.parent / ".reports"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def download(client, url):
    """Ask for the PDF; in these tests the worker runs after the request, so ask twice."""
    response = client.get(url, follow=True)
    if response["Content-Type"].startswith("text/html"):
        assert "Preparing the PDF" in response.content.decode()
        response = client.get(url, follow=True)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


@pytest.fixture
def busy_ticket(light_user, department, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_for(
            light_user, department, title="Relatório não imprime",
            body_html="<p>Ação necessária: o relatório de faturas está em branco.</p>",
            files=[png_upload("tela.png")],
        )  # fmt: skip
    services.claim_ticket(ticket=ticket, actor=agent)
    services.add_note(ticket=ticket, actor=agent, body_html="<p>secret internal remark</p>",
                      work=services.WorkTime.of(minutes=42))  # fmt: skip
    services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Please update to 2.4</p>")
    return ticket


def test_the_customer_pdf_holds_number_title_and_public_entries_only(
    client, busy_ticket, light_user
):
    client.force_login(light_user)
    text = pdf_text(download(client, reverse("tickets:pdf", args=[busy_ticket.number])))
    assert f"#{busy_ticket.number}" in text
    assert "Relatório não imprime" in text
    assert "Ação necessária" in text
    assert "Please update to 2.4" in text
    assert "tela.png" in text
    assert "secret internal remark" not in text
    assert "42 minutes" not in text
    assert "Page 1 of" in text


def test_attached_images_and_the_logo_are_embedded_in_the_pdf(client, busy_ticket, light_user):
    logo = png_upload("logo.png", size=(120, 40))
    settings_row = PrintSettings(company_name="JCom")
    settings_row.logo.save("logo.png", logo, save=True)
    client.force_login(light_user)
    content = download(client, reverse("tickets:pdf", args=[busy_ticket.number]))
    images = [image for page in PdfReader(io.BytesIO(content)).pages for image in page.images]
    assert len(images) == 2  # the logo and the attached screenshot
    assert client.get(reverse("printing:logo")).status_code == 200


def test_an_agent_chooses_notes_and_time(client, busy_ticket, agent):
    client.force_login(agent)
    url = reverse("agent:pdf", args=[busy_ticket.number]) + "?notes=1&time=1"
    text = pdf_text(download(client, url))
    assert "secret internal remark" in text
    assert "42 minutes" in text
    plain = pdf_text(download(client, reverse("agent:pdf", args=[busy_ticket.number])))
    assert "secret internal remark" not in plain


def test_customers_never_get_an_internal_copy(client, busy_ticket, agent, light_user):
    client.force_login(agent)
    client.get(reverse("agent:pdf", args=[busy_ticket.number]) + "?notes=1")
    internal = TicketPdf.objects.get(variant="n1t0")
    client.force_login(light_user)
    url = reverse("tickets:pdf_download", args=[busy_ticket.number, internal.id])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("person", ["colleague", "outsider", "other_agent"])
def test_strangers_get_404(client, request, busy_ticket, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("tickets:pdf", args=[busy_ticket.number])).status_code == 404
    assert client.get(reverse("tickets:print", args=[busy_ticket.number])).status_code == 404


def test_an_unchanged_ticket_is_answered_from_the_stored_file(
    client, busy_ticket, light_user, agent
):
    client.force_login(light_user)
    url = reverse("tickets:pdf", args=[busy_ticket.number])
    client.get(url)  # queues the rendering
    first = client.get(url)
    again = client.get(url)
    assert first["Location"] == again["Location"]
    assert TicketPdf.objects.count() == 1
    services.reply_to_ticket(ticket=busy_ticket, actor=agent, body_html="<p>One more thing</p>")
    client.get(url)
    assert TicketPdf.objects.count() == 2
    newest = TicketPdf.objects.latest("id")
    assert "One more thing" in pdf_text(newest.file.read())


def test_the_wait_page_polls_until_the_worker_is_done(client, busy_ticket, light_user, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # nothing renders: the page must wait
    from helpdesk.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    try:
        client.force_login(light_user)
        page = client.get(reverse("tickets:pdf", args=[busy_ticket.number]))
    finally:
        app.conf.task_always_eager = True
    assert page.status_code == 200
    assert "Preparing the PDF" in page.content.decode()
    pdf = TicketPdf.objects.get()
    assert 'hx-trigger="load, every 1s"' in page.content.decode()
    status_url = reverse("tickets:pdf_status", args=[busy_ticket.number, pdf.id])
    assert f'hx-get="{status_url}"' in page.content.decode()
    status = client.get(status_url)
    assert status.status_code == 200  # htmx asks again
    assert "It downloads by itself" in status.content.decode()
    printing.render_ticket_pdf(pdf.id, "en")
    status = client.get(status_url)
    assert status.status_code == 286  # htmx stops asking
    download_url = reverse("tickets:pdf_download", args=[busy_ticket.number, pdf.id])
    assert f'href="{download_url}" data-download-now' in status.content.decode()


def test_a_download_before_the_pdf_is_ready_goes_back_to_the_wait_page(
    client, busy_ticket, light_user, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from helpdesk.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    try:
        client.force_login(light_user)
        client.get(reverse("tickets:pdf", args=[busy_ticket.number]))
    finally:
        app.conf.task_always_eager = True
    pdf = TicketPdf.objects.get()
    download = client.get(reverse("tickets:pdf_download", args=[busy_ticket.number, pdf.id]))
    assert download["Location"] == reverse("tickets:pdf_wait", args=[busy_ticket.number, pdf.id])


def test_print_settings_appear_on_print_and_pdf(client, busy_ticket, light_user):
    PrintSettings.objects.create(
        company_name="JCom Software", address="Rua das Flores, 100", footer_text="Obrigado!"
    )
    client.force_login(light_user)
    html = client.get(reverse("tickets:print", args=[busy_ticket.number])).content.decode()
    assert "JCom Software" in html
    assert "Rua das Flores, 100" in html
    text = pdf_text(download(client, reverse("tickets:pdf", args=[busy_ticket.number])))
    assert "JCom Software" in text
    assert "Obrigado!" in text


def test_the_print_view_has_no_navigation_and_only_public_entries(client, busy_ticket, light_user):
    client.force_login(light_user)
    html = client.get(reverse("tickets:print", args=[busy_ticket.number])).content.decode()
    assert "navbar" not in html
    assert "Please update to 2.4" in html
    assert "secret internal remark" not in html
    assert "<img" in html  # the attached image is shown


def test_the_print_view_offers_a_print_button_in_portuguese_but_the_pdf_does_not(
    client, busy_ticket, agent
):
    """S3 4.3: the print tab opens "com a opção de Imprimir", also after the dialog is closed."""
    client.force_login(agent)
    url = reverse("agent:print", args=[busy_ticket.number])
    html = client.get(url, headers={"accept-language": "pt-br"}).content.decode()
    assert 'class="print-button"' in html
    assert ">Imprimir</button>" in html
    pdf = pdf_text(download(client, reverse("agent:pdf", args=[busy_ticket.number])))
    assert "Imprimir" not in pdf
    assert "Print" not in pdf


def test_the_links_attached_to_a_message_are_printed_and_in_the_pdf(
    client, busy_ticket, light_user, agent
):
    services.reply_to_ticket(
        ticket=busy_ticket, actor=agent, body_html="<p>See the guide.</p>",
        links=["https://example.com/guia-de-impressao"],
    )  # fmt: skip
    client.force_login(light_user)
    html = client.get(reverse("tickets:print", args=[busy_ticket.number])).content.decode()
    assert '<a href="https://example.com/guia-de-impressao">' in html
    text = pdf_text(download(client, reverse("tickets:pdf", args=[busy_ticket.number])))
    assert "https://example.com/guia-de-impressao" in text


def test_a_progress_step_prints_with_its_name_and_the_agents_message(
    client, busy_ticket, agent, light_user
):
    label = ProgressLabelFactory(name="Testing", name_pt_br="Em testes")
    services.set_progress(ticket=busy_ticket, actor=busy_ticket.assignee or agent, label=label,
                          body_html="<p>We test the fix today.</p>")  # fmt: skip
    client.force_login(light_user)
    client.cookies["django_language"] = "pt-br"
    html = client.get(reverse("tickets:print", args=[busy_ticket.number])).content.decode()
    assert '<em class="progress-step">Andamento: Em testes</em>' in html
    assert "We test the fix today." in html


def test_event_lines_escape_names_once(client, busy_ticket, agent):
    agent.full_name = "Zé D'Ávila & <Co>"
    agent.save()
    client.force_login(agent)
    url = reverse("agent:print", args=[busy_ticket.number])
    html = client.get(url, {"notes": "1"}).content.decode()
    assert "Zé D&#x27;Ávila &amp; &lt;Co&gt;: New → " in html
    assert "&amp;amp;" not in html
    assert "&amp;#x27;" not in html


def test_a_guest_link_prints_too(client, busy_ticket, light_user):
    from tickets import guest_access

    client.get(reverse("tickets:guest_access", args=[guest_access.make_token(busy_ticket)]))
    assert client.get(reverse("tickets:print", args=[busy_ticket.number])).status_code == 200


def test_long_words_accents_and_many_entries_render_and_page_is_not_blank(
    light_user, department, agent, tmp_path
):
    ticket = open_for(
        light_user, department, title="Çàéîõü " + "x" * 120,
        body_html="<p>" + "Supercalifragilístico" * 30 + "</p><pre>" + "coluna " * 80 + "</pre>",
    )  # fmt: skip
    timings = {}
    for total in (10, 100, 200):
        while ticket.entries.count() < total:
            services.reply_to_ticket(
                ticket=ticket,
                actor=light_user,
                body_html=f"<p>Mensagem número {ticket.entries.count()}</p>",
            )
        started = time.perf_counter()
        content = documents.render_pdf_bytes(
            documents.render_html(
                printing.printable_ticket(ticket, printing.CUSTOMER, for_pdf=True),
                for_pdf=True,
                language="pt-br",
            )
        )
        timings[total] = round((time.perf_counter() - started) * 1000)
    text = pdf_text(content)
    assert "Mensagem número 150" in text
    assert "Çàéîõü" in text
    pages = len(PdfReader(io.BytesIO(content)).pages)
    assert f"Página {pages} de {pages}" in text
    pdf_path = tmp_path / "t.pdf"
    pdf_path.write_bytes(content)
    subprocess.run(
        [
            shutil.which("pdftoppm") or "/usr/bin/pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf_path),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    dark = sum(image.histogram()[:200])
    assert dark > 2000, "the first page looks blank"
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "pdf-render.json").write_text(json.dumps({"entries_ms": timings}, indent=2))


@pytest.mark.parametrize("change", ["log_time", "system_note"])
def test_time_logged_or_a_system_note_makes_a_new_pdf(busy_ticket, agent, change):
    from tickets.services.agent import add_system_note

    variant = printing.Variant(notes=True, time=True)
    busy_ticket.refresh_from_db()
    before = printing.pdf_key(busy_ticket, variant, "en")
    if change == "log_time":
        services.log_time(ticket=busy_ticket, actor=agent, work=services.WorkTime.of(minutes=7))
    else:
        add_system_note(ticket=busy_ticket, body_html="<p>held mail</p>")
    busy_ticket.refresh_from_db()
    assert printing.pdf_key(busy_ticket, variant, "en") != before


def test_an_image_shown_in_place_in_a_message_is_read_from_storage_for_the_pdf(busy_ticket):
    opening = busy_ticket.entries.order_by("id").first()
    attachment = opening.attachments.get()
    page = reverse("tickets:attachment", args=[busy_ticket.number, attachment.id])
    opening.body_html = f'<p>Veja:</p><p><img src="{page}" alt="tela"></p>'
    opening.save(update_fields=["body_html"])
    printable = printing.printable_ticket(busy_ticket, printing.CUSTOMER, for_pdf=True)
    html = printable.entries[0].html
    assert f'src="{documents.PDF_SCHEME}{attachment.file.name}"' in html
    assert page not in html  # an address WeasyPrint would refuse to fetch: an empty frame
    on_screen = printing.printable_ticket(busy_ticket, printing.CUSTOMER, for_pdf=False)
    assert page in on_screen.entries[0].html
