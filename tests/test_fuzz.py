"""Every URL of the project, as each kind of person, with what no form would send: no 500.

The URL patterns are read from the URL conf; their converters are filled with good values (the
objects made below) and malformed ones. Each page is fetched first, its forms read from the
HTML, and then: GET with every query parameter the code reads or the page offers set to wrong
types, huge values and invalid UTF-8; POST to the page with every field of its forms set the
same way, with fields missing, repeated, or given a file. Every answer must be under 500;
all the failures are collected and reported at once (a fixed corpus, so a failure repeats).
"""

import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "accounts",
    "attendance",
    "chat",
    "core",
    "drafts",
    "fieldwork",
    "helpdesk",
    "mail",
    "printing",
    "reports",
    "tickets",
]
# A manager's pages are an agent's and the reports (each report's filters are fuzzed by the
# administrator's walk): walked with FUZZ_FULL=1, left out of the default run for its minute.
PERSONAS = ["anonymous", "light_user", "agent", "administrator"] + (
    ["manager"] if os.environ.get("FUZZ_FULL") else []
)

HUGE = "9" * 30
FULL_VALUES = [
    "",
    "0",
    "-1",
    HUGE,
    "1e309",
    "abc",
    "\x00",
    "<b>x</b>'\"",
    "x" * 20_000,
    "2026-02-30",
    "../../etc/passwd",
    "ção😀\u202e",
    "[]",
]
# The whole corpus with FUZZ_FULL=1 (about 8 minutes); by default the values that found every
# server error so far: empty, past a database integer, NUL, long text with accents.
VALUES = FULL_VALUES if os.environ.get("FUZZ_FULL") else ["", HUGE, "ção\x00" + "x" * 5000]
BAD_PATH_VALUES = {"int": ["0", HUGE], "other": ["x", "%FF%FE", "é" * 300, "0"]}
# Invalid UTF-8, percent-encoded and raw.
RAW_QUERY = "{name}=%FF%FE%C3%28&{name}=%ED%A0%80"
RAW_BODY = b"%s=%%FF%%FE%%C3%%28&%s=\xff\xfe\xc3\x28"

# What the code reads of the query and the body, besides what the pages' forms show.
READ = re.compile(
    r"""(?:GET|POST|params|data|query)(?:\.get|\.getlist|\.pop)?[\[(]\s*["'](\w+)["']"""
)


def names_read_by_the_code() -> list[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" not in path.parts and "migrations" not in path.parts:
                found |= set(READ.findall(path.read_text()))
    return sorted(found)


class Forms(HTMLParser):
    """The forms of a page: method, action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action"),
                    "fields": set(),
                    "files": set(),
                }
            )
        elif tag in {"input", "select", "textarea", "button"} and self.forms and attrs.get("name"):
            form = self.forms[-1]
            (form["files"] if attrs.get("type") == "file" else form["fields"]).add(attrs["name"])


def forms_of(response, path) -> list[dict]:
    if "html" not in response.get("Content-Type", ""):
        return []
    parser = Forms()
    parser.feed(response.content.decode(errors="replace"))
    for form in parser.forms:
        form["action"] = urlsplit(form["action"]).path if form["action"] else path
    return parser.forms


def patterns(resolver=None, prefix="", namespace=""):
    """(name, route, pattern) of every view, with the route's converters (or regex groups)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield name, prefix + str(entry.pattern), entry


CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def good_value(name, objects):
    return objects.get(name, "1")


def paths_of(name, route, objects):
    """The pattern's path with good values, then with each parameter malformed in turn."""
    params = CONVERTER.findall(route)
    regex_groups = re.findall(r"\(\?P<(\w+)>", route)
    if regex_groups:
        if not name:
            return []
        for candidates in (objects, {"app_label": "tickets", "object_id": "1"}):
            try:
                return [reverse(name, kwargs={g: good_value(g, candidates) for g in regex_groups})]
            except NoReverseMatch:
                continue
        return []
    prefix, caret, regex = route.partition("^")
    if caret and not prefix.startswith("admin/"):  # a catch-all of ours: an address it takes
        samples = [s for s in ("nothing-here/", "") if re.fullmatch(regex.removesuffix("$"), s)]
        return [f"/{prefix}{sample}" for sample in samples[:1]]
    if route.startswith("^") or any(c in route for c in "()[]"):
        return []
    good = {param: str(good_value(param, objects)) for _kind, param in params}
    paths = [_fill(route, good)]
    for kind, param in params:
        for value in BAD_PATH_VALUES["int" if kind == "int" else "other"]:
            paths.append(_fill(route, {**good, param: value}))
    return paths


def _fill(route, values):
    path = CONVERTER.sub(lambda m: values[m.group(2)], route)
    return "/" + path.lstrip("^").rstrip("$")


@pytest.fixture
def world(
    light_user,
    agent,
    manager,
    administrator,
    department,
    normal_priority,
    django_capture_on_commit_callbacks,
):
    """One of each thing a URL names, visible to the customer and the agents."""
    from attendance import services as attendance_services
    from chat import selectors as chat_selectors
    from chat import services as chat_services
    from reports.pages import REPORTS
    from tickets import services
    from tickets.models import Attachment, CannedReply
    from tickets.tests.fixtures import open_for, png_upload

    ticket = open_for(light_user, department, files=[png_upload()])
    services.add_note(ticket=ticket, actor=agent, body_html="<p>note</p>")
    chat_services.set_presence(agent=agent, status="online")
    chat = chat_services.start_chat(
        name="Vera", email="vera@example.com", department=department, ip="2.2.2.2"
    )
    chat_services.accept_chat(session=chat, agent=agent)
    attendance = attendance_services.start_attendance(actor=agent, origin="phone")
    canned = CannedReply.objects.create(title="Hi", body_html="<p>Hi</p>", owner=agent)
    return {
        "number": ticket.number,
        "attachment_id": Attachment.objects.filter(entry__ticket=ticket).first().id,
        "chat_id": chat.id,
        "token": chat_selectors.visitor_token(chat),
        "attendance_id": attendance.id,
        "reply_id": canned.id,
        "slug": next(iter(REPORTS)),
        "kind": "csv",
        "object_id": str(ticket.id),
    }


class Failures(dict):
    """One example per URL pattern, method and error: the same bug met a hundred ways is one."""

    def add(self, route, method, path, kwargs, status, caught):
        key = (method, route, status, caught.split("(")[0])
        shown = {k: (v[:40] if isinstance(v, str | bytes) else v) for k, v in kwargs.items()}
        self.setdefault(
            key, f"{method.upper()} {route} as {path[:100]} {str(shown)[:160]} -> {status} {caught}"
        )


def _probe(client, failures, route, method, path, **kwargs):
    caught = []

    def record(sender, request=None, **extra):
        caught.append(repr(sys.exc_info()[1])[:200])

    got_request_exception.connect(record)
    try:
        response = getattr(client, method)(path, **kwargs)
    finally:
        got_request_exception.disconnect(record)
    if response.status_code >= 500 or caught:
        failures.add(route, method, path, kwargs, response.status_code, " ".join(caught))
    return response


# Answers that say the view let the request go before reading it: the rest of the corpus
# would meet the same gate.
TURNED_AWAY = {401, 403, 404, 405}


def _turned_away(response) -> bool:
    if response.status_code in TURNED_AWAY:
        return True
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _skip(name, path):
    # Log-out ends the session the rest of the walk needs; it is fuzzed last.
    return name in {"logout"} or (name is None and path.startswith("/admin/"))


# The administrator walks what only administrators and managers reach (the admin, the
# reports and exports); the panel and the rest are the agent's walk, where the same views
# answer (a minute less; FUZZ_FULL=1 walks everything as everyone).
ADMINISTRATORS_OWN = ("admin:", "reports:", "exports:")


def _walked_by(persona: str, name: str) -> bool:
    if os.environ.get("FUZZ_FULL"):
        return persona == "administrator" or not name.startswith("admin:")
    if persona == "administrator":
        return name.startswith(ADMINISTRATORS_OWN)
    return not name.startswith("admin:")


# Each persona's walk is cut in SHARDS tests (every SHARDS-th pattern), so that the test
# processes share it out; every shard still reads the forms of every page (one GET each), since
# a form's action may be a pattern of another shard.
SHARDS = 2


@pytest.mark.django_db
@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_url_answers_500_whatever_it_is_sent(request, persona, shard, world, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = Client(raise_request_exception=False)
    person = None if persona == "anonymous" else request.getfixturevalue(persona)

    def log_in():
        if person is not None:
            client.force_login(person)

    log_in()
    read = names_read_by_the_code()
    failures = Failures()
    seen_forms: dict[str, dict] = {}
    routes = [(n, r, p) for n, r, p in patterns() if _walked_by(persona, n or "")]
    mine = {route for index, (_n, route, _p) in enumerate(routes) if index % SHARDS == shard}
    for name, route, _pattern in routes:
        paths = paths_of(name, route, world)
        if not paths:
            continue
        good, *bad = paths
        if route in mine:
            for path in bad:
                _probe(client, failures, route, "get", path)
        if _skip(name, good):
            continue
        page = _probe(client, failures, route, "get", good)
        if _turned_away(page):
            continue
        for form in forms_of(page, good):
            seen_forms.setdefault(form["action"], {"fields": set(), "files": set()})
            seen_forms[form["action"]]["fields"] |= form["fields"]
            seen_forms[form["action"]]["files"] |= form["files"]
        if route not in mine:
            continue
        if name and name.startswith("admin:"):
            for value in ("abc", HUGE, "-1", "\x00"):
                _probe(
                    client,
                    failures,
                    route,
                    "get",
                    good,
                    data={"o": value, "p": value, "q": value, "e": value, "id__exact": value},
                )
            continue
        fields = set()
        for form in forms_of(page, good):
            if form["method"] == "get":
                fields |= form["fields"]
        query = sorted(fields | set(read))
        for value in VALUES:
            _probe(client, failures, route, "get", good, data=dict.fromkeys(query, value))
        _probe(client, failures, route, "get", good, data={key: ["1", "abc"] for key in query})
        _probe(
            client,
            failures,
            route,
            "get",
            good,
            QUERY_STRING="&".join(RAW_QUERY.format(name=key) for key in query),
        )
    # Then the forms, each posted wrong in every way, and every other URL posted to as well.
    for name, route, _pattern in routes:
        paths = paths_of(name, route, world)
        if route not in mine or not paths or name is None or name.startswith("admin:"):
            continue
        good = paths[0]
        known = seen_forms.get(good, {"fields": set(), "files": set()})
        fields = sorted(known["fields"] | {"body", "text", "email", "status", "score", "id"})
        posts = [{}] + [dict.fromkeys(fields, value) for value in VALUES]
        posts.append({key: ["1", "abc"] for key in fields})
        posts.append({key: SimpleUploadedFile("x.txt", b"\xff\xfe") for key in fields})
        if known["files"]:
            posts.append(dict.fromkeys(known["files"], "not a file"))
            posts.append(
                {
                    key: SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nbroken", "image/png")
                    for key in known["files"]
                }
            )
        first, *posts = posts
        if _turned_away(_probe(client, failures, route, "post", good, data=first)):
            continue
        for data in posts:
            _probe(client, failures, route, "post", good, data=data)
            log_in()
        raw = b"&".join(RAW_BODY % (key.encode(), key.encode()) for key in fields)
        _probe(
            client,
            failures,
            route,
            "post",
            good,
            data=raw,
            content_type="application/x-www-form-urlencoded",
        )
        _probe(
            client,
            failures,
            route,
            "post",
            good,
            data=b"\xff\xfe{",
            content_type="application/json",
        )
        _probe(
            client,
            failures,
            route,
            "post",
            good,
            data=b"--x\r\nbroken",
            content_type="multipart/form-data; boundary=x",
        )
        log_in()
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(sorted(failures.values()))


def test_the_walk_reaches_every_pattern_of_the_project(world):
    """A pattern the walk cannot fill is one it silently skips: there must be none outside
    the admin's own regular expressions."""
    unfilled = [
        route
        for name, route, _p in patterns()
        if not paths_of(name, route, world) and not route.startswith("admin/")
    ]
    assert unfilled == []
    for name, route, _p in patterns():
        for path in paths_of(name, route, world)[:1]:
            try:
                resolve(quote(path) if "%" not in path else path)
            except Resolver404:
                pytest.fail(f"{route} filled as {path} does not resolve")
