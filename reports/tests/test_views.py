"""The reports' pages and exports through the gate: who sees what, bad filters, the files."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from attendance.models import AttendanceType
from reports.pages import REPORTS
from tickets.tests.fixtures import drop_kept

pytestmark = pytest.mark.django_db
PERIOD = {"period": "custom", "start": "2026-03-01", "end": "2026-03-10"}
# The queries of each page, kept tables dropped first (the most it costs): the session and
# its person, the kept tables, the organizations of the filter, then the report's own.
# The reports read from the rollup check it once for changes to make again (reports.rollup);
# Time worked reads the tickets most worked on ever first (reports.selectors.worked), the
# titles of the tickets it lists apart, and its organizations' names.
QUERIES = {
    "volume": 7 + 1,
    "times": 8 + 1,
    "sla": 7 + 1,
    "satisfaction": 9,
    "time-worked": 7 + 4,
    "agents": 8 + 1,
    "chat": 10,
    "attendance": 10,
}


def page(client, user, slug, **query):
    client.force_login(user)
    return client.get(reverse("reports:report", args=[slug]), {**PERIOD, **query})


@pytest.mark.parametrize("slug", list(REPORTS))
def test_a_manager_opens_every_report(client, manager, history, slug):
    response = page(client, manager, slug, compare="on")
    assert response.status_code == 200
    assert response.context["built"].tables


@pytest.mark.parametrize("who", ["agent", "light_user", "master_user", "other_agent"])
def test_only_managers_and_administrators_find_the_reports(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("reports:index")).status_code == 404
    assert client.get(reverse("reports:report", args=["volume"])).status_code == 404
    export = reverse("reports:export", args=["volume", "csv"])
    assert client.get(export).status_code == 404


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("reports:report", args=["volume"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_manager_sees_only_their_departments_figures(client, manager, history):
    totals = page(client, manager, "time-worked").context["built"].figures[0].value
    assert totals == 2.25  # not the 1.5 h of Billing


def test_the_administrator_sees_every_department(client, administrator, history):
    totals = page(client, administrator, "time-worked").context["built"].figures[0].value
    assert totals == 3.75


def test_a_manager_cannot_filter_on_a_department_they_do_not_manage(client, manager, history):
    response = page(client, manager, "volume", department=history.billing.id)
    assert response.status_code == 400
    assert response.context["built"] is None
    assert "department" in response.context["form"].errors
    assert b'id="id_department_error"' in response.content


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-13-45"}, "start"),
        ({"start": "", "end": "2026-03-10"}, "start"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "end"),
        ({"start": "2020-01-01", "end": "2026-03-01"}, "end"),
        ({"period": "forever"}, "period"),
        ({"agent": "abc"}, "agent"),
        ({"organization": "999999"}, "organization"),
        ({"grain": "hour"}, "grain"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_filters_are_named_next_to_their_field(client, manager, query, field):
    response = page(client, manager, "volume", **query)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"'.encode() in response.content


def test_a_preset_period_needs_no_dates(client, manager):
    client.force_login(manager)
    response = client.get(reverse("reports:report", args=["sla"]), {"period": "last_month"})
    assert response.status_code == 200


def test_the_page_carries_each_chart_as_json_and_the_same_numbers_in_a_table(
    client, manager, history
):
    response = page(client, manager, "volume")
    content = response.content.decode()
    assert '<script id="chart-volume" type="application/json">' in content
    assert 'data-chart="chart-volume"' in content
    assert 'data-table="volume"' in content
    assert "vendor/chart.js/chart.umd.min.js" in content
    assert "<script>" not in content  # the CSP forbids inline scripts


def test_numbers_are_written_in_portuguese_for_portuguese(client, manager, history):
    client.force_login(manager)
    response = client.get(
        reverse("reports:report", args=["time-worked"]), PERIOD, HTTP_ACCEPT_LANGUAGE="pt-br"
    )
    assert "2,25" in response.content.decode()
    assert "Horas trabalhadas" in response.content.decode()


@pytest.mark.parametrize("slug", list(REPORTS))
def test_each_page_runs_a_fixed_number_of_queries(client, manager, history, slug):
    client.force_login(manager)
    url = reverse("reports:report", args=[slug])
    page(client, manager, slug)
    drop_kept()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, PERIOD).status_code == 200
    assert len(captured) == QUERIES[slug], [q["sql"][:300] for q in captured]


def export(client, user, slug, kind, language="en"):
    client.force_login(user)
    url = reverse("reports:export", args=[slug, kind])
    return client.get(url, PERIOD, HTTP_ACCEPT_LANGUAGE=language)


def test_the_csv_in_portuguese_has_a_bom_semicolons_and_decimal_commas(client, manager, history):
    response = export(client, manager, "time-worked", "csv", "pt-br")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="time-worked-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Tempo trabalhado"]
    assert ["Horas trabalhadas", "2,25"] in rows
    assert any(row[:2] == [str(history.tickets["D"].number), "Chamado D — ação"] for row in rows)
    # Name, minutes, hours, billable minutes, billable hours: B's 30 minutes were unticked.
    assert ["Impressoras", "75", "1,25", "45", "0,75"] in rows
    assert ["Horas faturáveis", "1,75"] in rows
    header = rows.index(["Por organização (faturável)"]) + 1
    assert rows[header] == ["Nome", "Minutos", "Horas", "Minutos faturáveis", "Horas faturáveis"]
    assert rows[header + 1] == ["Acme Ltda", "75", "1,25", "45", "0,75"]


def test_the_volume_csv_has_the_backlog_by_status(client, manager, history):
    response = export(client, manager, "volume", "csv", "pt-br")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows.index(["Em aberto por situação, por dia"]) + 1
    assert rows[header] == [
        "Dia", "Novo", "Aberto", "Aguardando o cliente", "Pendente", "Reaberto",
        "Tickets em aberto",
    ]  # fmt: skip
    # 5/3: C open, E waiting on the customer.
    assert rows[header + 5] == ["05/03/2026", "0", "1", "1", "0", "0", "2"]


def test_the_xlsx_has_the_billable_columns(client, manager, history):
    response = export(client, manager, "time-worked", "xlsx")
    book = load_workbook(io.BytesIO(response.content))
    values = [
        [cell.value for cell in row] for row in book["By organization (billable)"].iter_rows()
    ]
    assert values[0] == ["Name", "Minutes", "Hours", "Billable minutes", "Billable hours"]
    assert values[1] == ["Acme Ltda", 75, 1.25, 45, 0.75]


def test_the_csv_in_english_has_commas_and_decimal_points(client, manager, history):
    response = export(client, manager, "satisfaction", "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Average stars", "3.5"] in rows
    assert any("Ótimo atendimento, obrigado!" in row for row in rows)


def test_the_attendance_csv_names_plans_and_types_in_the_readers_language(
    client, manager, contacts
):
    AttendanceType.objects.create(name="Remote access", name_pt_br="Acesso remoto")
    response = export(client, manager, "attendance", "csv", "pt-br")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Acesso remoto", "1"] in rows
    assert ["Suporte básico", "1"] in rows
    assert ["Answered by phone", "1"] in rows  # a type no longer kept: as it was stored
    english = export(client, manager, "attendance", "csv").content.decode("utf-8-sig")
    assert "Remote access,1" in english


@pytest.mark.parametrize("slug", list(REPORTS))
def test_every_report_exports_as_xlsx(client, administrator, history, slug):
    response = export(client, administrator, slug, "xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    tables = page(client, administrator, slug).context["built"].tables
    assert book.sheetnames[1:] == [str(table.title) for table in tables]
    first = tables[0]
    header = [cell.value for cell in next(book[book.sheetnames[1]].iter_rows())]
    assert header == [str(column.label) for column in first.columns]
    assert book[book.sheetnames[1]].max_row == 1 + len(first.rows)


def test_the_xlsx_keeps_accents_and_numbers(client, manager, history):
    response = export(client, manager, "satisfaction", "xlsx", "pt-br")
    book = load_workbook(io.BytesIO(response.content))
    comments = book["Comentários"]
    values = [[cell.value for cell in row] for row in comments.iter_rows()]
    assert values[0][4] == "Comentário"
    assert [row[4] for row in values[1:] if row[3] == 5] == ["Ótimo atendimento, obrigado!"]
    assert book[book.sheetnames[0]]["B1"].value is None
    assert book[book.sheetnames[0]]["B2"].value == 3.5


def test_an_unknown_export_format_or_report_is_not_found(client, manager):
    client.force_login(manager)
    assert client.get(reverse("reports:export", args=["volume", "pdf"])).status_code == 404
    assert client.get(reverse("reports:report", args=["nothing"])).status_code == 404


def test_the_panel_links_to_the_reports_for_managers_only(client, manager, agent):
    client.force_login(manager)
    assert reverse("reports:index").encode() in client.get(reverse("agent:queues")).content
    client.force_login(agent)
    assert reverse("reports:index").encode() not in client.get(reverse("agent:queues")).content


def test_the_attendance_and_chat_pages_in_portuguese(client, manager, contacts):
    client.force_login(manager)
    url = reverse("reports:report", args=["attendance"])
    content = client.get(url, PERIOD, HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert "Suporte básico" in content
    assert "50,0 %" in content  # resolved at the first contact
    url = reverse("reports:report", args=["chat"])
    content = client.get(url, PERIOD, HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert "33,3 %" in content  # abandoned
    assert "Chats por hora do dia" in content


def test_an_export_with_bad_filters_is_the_page_with_the_errors(client, manager):
    client.force_login(manager)
    url = reverse("reports:export", args=["volume", "csv"])
    response = client.get(url, {"period": "custom", "start": "2026-03-10", "end": "2026-03-01"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "end" in response.context["form"].errors


def test_the_administrator_narrows_to_one_department(client, administrator, history):
    response = page(client, administrator, "time-worked", department=history.billing.id)
    assert response.context["built"].figures[0].value == 1.5
