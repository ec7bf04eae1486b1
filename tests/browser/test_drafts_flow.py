"""Nothing a person chose is lost: a file picked on a form refused for another
field stays attached, and the ticket gets it once; in a Portuguese browser."""

import pytest
from django.test import override_settings
from PIL import Image
from playwright.sync_api import expect

from drafts.models import DraftFile
from tests.browser.conftest import field
from tickets.models import Attachment, Ticket
from tickets.tests.factories import CategoryFactory, PriorityFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The category's name, quoted, keeps its capital; never "Tickets de Não conformidade".
NEEDS_FILE = "Tickets da categoria “Não conformidade” precisam de um anexo"


@pytest.fixture
def catalogue(department):
    PriorityFactory(name="Normal", name_pt_br="Normal", is_default=True)
    CategoryFactory(name="Nonconformity", name_pt_br="Não conformidade", requires_attachment=True)


@pytest.fixture
def screenshot_file(tmp_path):
    path = tmp_path / "tela-do-erro.png"
    Image.new("RGB", (640, 400), (220, 40, 40)).save(path)
    return path


@override_settings(LANGUAGE_CODE="pt-br")
def test_a_file_picked_on_a_refused_form_stays_attached_and_is_attached_once(
    pt_br_page, live_server, department, catalogue, screenshot_file, csp_violations
):
    page = pt_br_page
    page.goto(f"{live_server.url}/tickets/new/")
    field(page, "Seu nome").fill("Gabi Visitante")
    field(page, "Seu e-mail").fill("gabi@example.com")
    field(page, "Departamento").select_option(label="Suporte")
    field(page, "Categoria").select_option(label="Não conformidade")
    page.locator(".jodit-wysiwyg").first.click()
    page.keyboard.type("A nota fiscal sai em branco.")
    # No title, no file: the category's demand for a file is said once, beside the field.
    page.get_by_role("button", name="Abrir o ticket").click()
    expect(page.get_by_text("Este campo é obrigatório.")).to_be_visible()
    expect(page.get_by_text(NEEDS_FILE)).to_have_count(1)
    expect(page.get_by_text("de Não conformidade")).to_have_count(0)

    field(page, "Anexos").set_input_files(str(screenshot_file))
    attached = page.locator(".draft-files li", has_text="tela-do-erro.png")
    expect(attached).to_be_visible()
    expect(page.get_by_role("button", name="Remover tela-do-erro.png")).to_be_visible()
    expect(page.get_by_text(NEEDS_FILE)).to_have_count(0)  # it has its file now

    # Still no title: refused again, and the file is still there.
    page.get_by_role("button", name="Abrir o ticket").click()
    expect(page.get_by_text("Este campo é obrigatório.")).to_be_visible()
    expect(attached).to_be_visible()

    field(page, "Título").fill("Nota fiscal em branco")
    page.get_by_role("button", name="Abrir o ticket").click()
    expect(page.get_by_role("heading", name="Verifique seu e-mail")).to_be_visible()
    ticket = Ticket.objects.get()
    assert list(Attachment.objects.filter(entry__ticket=ticket).values_list("name", flat=True)) == [
        "tela-do-erro.png"
    ]
    assert not DraftFile.objects.exists()
    assert csp_violations == []


@override_settings(LANGUAGE_CODE="pt-br")
def test_a_file_removed_from_the_draft_is_not_attached(
    pt_br_page, live_server, department, catalogue, screenshot_file
):
    page = pt_br_page
    page.goto(f"{live_server.url}/tickets/new/")
    field(page, "Anexos").set_input_files(str(screenshot_file))
    page.get_by_role("button", name="Remover tela-do-erro.png").click()
    expect(page.locator(".draft-files")).to_have_count(0)
    assert not DraftFile.objects.exists()
