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


def entrar(page, base: str, person, password: str) -> None:
    """Log in through the Portuguese log-in form, as a Brazilian user does."""
    page.goto(f"{base}/accounts/login/")
    field(page, "E-mail").fill(person.email)
    field(page, "Senha").fill(password)
    page.get_by_role("button", name="Entrar").click()


# Known English that must never reach a Portuguese page or mail (besides the catalogue check in
# tests/test_i18n.py, which cannot see a string formatted at import or a script's own words).
ENGLISH = re.compile(
    r"Ticket received|Up to \d|Rate our answer|Your link to the ticket|Your attendance protocol"
    r"|\b(?:Bold|Italic|Strikethrough|Submit|Search|Save)\b| [ap]\.m\.|\b(?:January|February"
    r"|March|April|June|July|August|September|October|November|December)\b"
)
# What a page says: its text, and the names and tooltips its controls carry.
PAGE_WORDS = """() => [document.body ? document.body.innerText : ""].concat(
  Array.from(document.querySelectorAll("[title],[aria-label],[placeholder],input[type=button]"),
    (el) => [el.title, el.getAttribute("aria-label"), el.placeholder, el.value].join(" "))
).join("\\n")"""


class EnglishWatch:
    """The English phrases the watched pages and the mails of a test showed."""

    def __init__(self):
        self.found: list[str] = []
        self.pages = []

    def inspect(self, page) -> None:
        try:
            if not (page.evaluate("document.documentElement.lang") or "").startswith("pt"):
                return
            text = page.evaluate(PAGE_WORDS)
        except Exception:
            return
        self.found += [f"{page.url}: {match}" for match in ENGLISH.findall(text)]

    def watch(self, page) -> None:
        self.pages.append(page)
        page.on("load", lambda loaded: self.inspect(loaded))

    def inspect_mail(self) -> None:
        from accounts.models import User

        english = set(
            User.objects.exclude(language__startswith="pt").values_list("email", flat=True)
        )
        for message in mail.outbox:
            if set(message.to) <= english:  # mail to someone who reads English
                continue
            text = message.subject + "\n" + message.body
            self.found += [f"mail {message.subject!r}: {m}" for m in ENGLISH.findall(text)]


@pytest.fixture
def english_watch():
    watch = EnglishWatch()
    yield watch
    if watch.pages:
        watch.inspect_mail()
        assert watch.found == [], "English on a Portuguese page or mail"


@pytest.fixture
def pt_br_page(browser, english_watch):
    """A page of a browser asking for Brazilian Portuguese, every page and mail of it watched."""
    context = browser.new_context(locale="pt-BR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    english_watch.watch(page)
    yield page
    english_watch.inspect(page)
    context.close()
