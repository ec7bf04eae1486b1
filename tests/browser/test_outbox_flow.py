"""The administrator's outbox in a Portuguese browser: each mail's kind named in Portuguese,
not by its template, and the column headers written as labels are ("Criada em")."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.conftest import entrar
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(LANGUAGE_CODE="pt-br")
def test_the_outbox_names_each_kind_of_mail_in_portuguese_with_normal_case_headers(
    pt_br_page, live_server, administrator, light_user, password, department
):
    administrator.language = "pt-br"
    administrator.save(update_fields=["language"])
    open_for(light_user, department, title="Boleto não imprime")  # the receipt is mailed
    page = pt_br_page
    entrar(page, live_server.url, administrator, password)
    page.goto(f"{live_server.url}/admin/mail/outboundemail/")
    table = page.locator("#result_list")
    expect(table.locator("td.field-kind").first).to_have_text("Ticket recebido")
    expect(table).not_to_contain_text("tickets/ticket_opened")
    headers = table.locator("thead th").all_inner_texts()  # as shown, after the CSS
    assert {"Tipo de e-mail", "Criado em", "Enviado em"} <= {header.strip() for header in headers}
    assert not [header for header in headers if header.strip() and header.strip().isupper()]
    filters = page.locator("#changelist-filter")
    expect(filters.get_by_role("link", name="Ticket recebido")).to_be_visible()
    assert "POR TIPO DE E-MAIL" not in filters.inner_text()

    # The mail's own page: its kind, and every field named in Portuguese.
    table.locator("tbody th a").first.click()
    content = page.locator("#content")
    expect(content).to_contain_text("Tipo de e-mail")
    expect(content).to_contain_text("Ticket recebido")
    shown = content.inner_text()
    for english in ("User:", "Attachments:", "Body text:", "Body html:", "Reply to:", "Template:"):
        assert english not in shown
    assert "HISTÓRICO" not in shown
