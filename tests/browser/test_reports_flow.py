import csv
import io

import pytest
from playwright.sync_api import expect

from reports.tests.dataset import history  # noqa: F401 - the hand-counted history
from tests.browser.test_portal_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_reads_the_volume_changes_the_period_and_downloads_the_csv(
    page,
    live_server,
    manager,
    password,
    history,  # noqa: F811 - the fixture imported above
    csp_violations,
):
    base = live_server.url
    log_in(page, base, manager, password)
    page.goto(f"{base}/agent/")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Reports"
    ).click()
    page.get_by_role("link", name="Volume").click()
    expect(page.get_by_role("heading", name="Volume", level=1)).to_be_visible()

    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label("From", exact=True).fill("2026-03-01")
    page.get_by_label("To", exact=True).fill("2026-03-10")
    page.get_by_role("button", name="Show").click()

    expect(page.locator("[data-period]")).to_contain_text("03/01/2026")
    expect(page.locator('[data-figure="1"]')).to_have_text("4")
    # Chart.js drew the four series on the canvas, and the table holds the same numbers.
    expect(page.locator('canvas[data-chart="chart-volume"]')).to_have_attribute("data-drawn", "4")
    table = page.locator('table[data-table="volume"]')
    expect(table.locator("tbody tr")).to_have_count(10)
    expect(table.locator("tbody tr").nth(1)).to_contain_text("03/02/2026")
    expect(page.locator('table[data-table="backlog"] tbody tr').last).to_contain_text("2")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download CSV").click()
    download = waiting.value
    assert download.suggested_filename.startswith("volume-")
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert ["Created", "4"] in rows
    assert ["Reopened", "1"] in rows
    assert csp_violations == []
