"""Playwright on Debian's Chromium (never `playwright install`) against the live server."""

import os
import re
import shutil

import pytest
from django.core import mail

# The sync Playwright API runs an event loop; Django must allow ORM calls from the test body.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make browser-deps`")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def watch_csp(page) -> list[str]:
    """Messages the browser logs on `page` when the Content Security Policy blocks something."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


@pytest.fixture
def csp_violations(page):
    return watch_csp(page)


def link_in_last_mail(to: str, base_url: str) -> str:
    messages = [message for message in mail.outbox if to in message.to]
    assert messages, f"no mail was sent to {to}"
    path = re.search(r"https?://[^/\s]+(/\S+)", messages[-1].body).group(1)
    return base_url + path


@pytest.fixture(autouse=True)
def _fail_fast(page):
    # A page of ours answers in milliseconds; waiting Playwright's default 30 s only hides it.
    page.set_default_timeout(10_000)


def field(page, label: str):
    """The input labelled `label`; crispy-forms marks required fields with an asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))
