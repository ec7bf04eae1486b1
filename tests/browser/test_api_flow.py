import pytest
from playwright.sync_api import expect

from tests.browser.test_portal_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_customer_makes_a_token_then_opens_replies_and_lists_with_it(
    page, live_server, light_user, password, department, normal_priority, csp_violations
):
    from tickets.tests.factories import CategoryFactory

    category = CategoryFactory(name="Printing")
    base = live_server.url
    log_in(page, base, light_user, password)
    page.goto(f"{base}/accounts/profile/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("My CRM")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text().strip()
    assert secret.startswith("hd_")
    expect(page.get_by_role("cell", name="My CRM")).to_be_visible()

    api = page.context.request
    headers = {"Authorization": f"Bearer {secret}", "Cookie": ""}
    opened = api.post(f"{base}/api/v1/tickets/", headers=headers, data={
        "title": "Invoices do not print", "department": department.id,
        "category": category.id, "body": "The printer says no.",
    })  # fmt: skip
    assert opened.status == 201, opened.text()
    number = opened.json()["ticket"]["number"]
    reply = api.post(f"{base}/api/v1/tickets/{number}/replies/", headers=headers,
                     data={"body": "Also on the second printer."})  # fmt: skip
    assert reply.status == 200, reply.text()
    listed = api.get(f"{base}/api/v1/tickets/", headers=headers).json()
    assert [row["number"] for row in listed["results"]] == [number]

    # The documentation page draws the description from the app's own files, CSP intact.
    page.goto(f"{base}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Help desk API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert csp_violations == []
