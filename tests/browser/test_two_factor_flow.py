import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.models import SecurityEvent, SecurityPolicy
from tests.browser.conftest import field
from tests.browser.test_portal_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def code_from_secret(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed from the set-up page."""
    key = secret.replace(" ", "")
    totp = TOTP(b32decode(key + "=" * (-len(key) % 8)), step=30, t0=0, digits=6, drift=0)
    totp.time += steps_ahead * 30
    return f"{totp.token():06d}"


def log_out(page, user):
    page.get_by_role("button", name=re.compile(user.full_name)).click()
    page.get_by_role("button", name="Log out").click()


def test_two_factor_set_up_sign_in_recovery_code_and_enforcement(
    browser, live_server, agent, other_agent, administrator, password, csp_violations, page
):
    base = live_server.url
    log_in(page, base, agent, password)
    expect(page).to_have_url(re.compile("/agent/"))

    # Set-up from the profile: a QR code image and the key in text, confirmed with a code.
    page.goto(f"{base}/accounts/profile/")
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    qr = page.get_by_role("img", name="QR code of your two-factor secret")
    expect(qr).to_be_visible()
    # The image is drawn (an SVG served by the app), not a broken-image box.
    page.wait_for_function("() => { const img = document.querySelector('img[alt^=\"QR\"]'); "
                           "return img.complete && img.naturalWidth > 100; }")  # fmt: skip
    secret = page.get_by_test_id("two-factor-secret").inner_text()
    field(page, "Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("This code is not right.")).to_be_visible()
    field(page, "Code from the app").fill(code_from_secret(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept them").click()
    expect(page.get_by_text("10 recovery codes left.")).to_be_visible()

    # Password, then the app's code (the next step's: the one used to confirm is spent).
    log_out(page, agent)
    log_in(page, base, agent, password)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.goto(f"{base}/agent/")
    expect(page).to_have_url(re.compile("/accounts/login/"))  # not signed in yet
    log_in(page, base, agent, password)
    field(page, "Code").fill(code_from_secret(secret, steps_ahead=1))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile("/agent/"))

    # A recovery code signs in once.
    log_out(page, agent)
    log_in(page, base, agent, password)
    field(page, "Code").fill(codes[0])
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("You used a recovery code; 9 are left.")).to_be_visible()
    log_out(page, agent)
    log_in(page, base, agent, password)
    field(page, "Code").fill(codes[0])
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("This code is not right, or it was used already.")).to_be_visible()

    # Enforcement: staff without two-factor are sent to set it up, from the panel and the admin.
    SecurityPolicy.objects.create(require_staff_two_factor=True)
    other = browser.new_context().new_page()
    other.set_default_timeout(10_000)
    log_in(other, base, other_agent, password)
    expect(other).to_have_url(re.compile("/accounts/profile/two-factor/$"))
    expect(other.get_by_text("Your administrators require two-factor sign-in")).to_be_visible()
    admin = browser.new_context().new_page()
    admin.set_default_timeout(10_000)
    log_in(admin, base, administrator, password)
    admin.goto(f"{base}/admin/")
    expect(admin).to_have_url(re.compile("/accounts/profile/two-factor/$"))
    admin.get_by_role("button", name="Set up two-factor sign-in").click()
    admin_secret = admin.get_by_test_id("two-factor-secret").inner_text()
    field(admin, "Code from the app").fill(code_from_secret(admin_secret))
    admin.get_by_role("button", name="Turn on").click()
    admin.goto(f"{base}/admin/")
    expect(admin.get_by_role("link", name="Security log")).to_be_visible()
    admin.get_by_role("link", name="Security log").click()
    expect(admin.get_by_text("Two-factor sign-in turned on").first).to_be_visible()

    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {"login", "logout", "two_factor_enabled", "two_factor_failed"} <= kinds
    assert csp_violations == []
