"""The error pages speak the reader's language, inside the site's layout (500 without it)."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_customer_in_the_agent_panel_is_told_in_portuguese(client, light_user):
    client.force_login(light_user)
    response = client.get("/agent/", HTTP_ACCEPT_LANGUAGE="pt-br")
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="pt-br">' in page
    assert "Não permitido" in page
    assert "Forbidden" not in page


def test_an_address_that_leads_nowhere_is_a_page_in_portuguese(client):
    response = client.get("/nothing-here/", HTTP_ACCEPT_LANGUAGE="pt-br")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Página não encontrada" in page
    assert "Not Found" not in page


def test_a_server_error_page_needs_no_database_and_speaks_portuguese(
    django_assert_num_queries,
):
    with translation.override("pt-br"), django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert '<html lang="pt-br">' in page
    assert "Algo deu errado" in page
