import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "pt_BR" / "LC_MESSAGES" / "django.po"
APPS = ["core", "mail", "printing", "drafts", "accounts", "tickets", "fieldwork", "inbound", "chat",
        "workspace", "attendance", "reports", "api", "helpdesk"]  # fmt: skip
SOURCES = ["manage.py", *APPS, "templates", "static", "locale"]


def live_entries(po):
    return [entry for entry in po if not entry.obsolete]


def test_every_portuguese_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in live_entries(po) if not e.translated()]
    fuzzy = [e.msgid for e in live_entries(po) if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    assert not po.metadata_is_fuzzy


def test_the_catalogue_holds_every_string_marked_in_the_code(tmp_path):
    # makemessages on a copy of the sources: what it finds must already be in the catalogue.
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    env = {**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "helpdesk.settings.main"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "pt_BR", "--no-location"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    fresh = polib.pofile(str(tmp_path / "locale" / "pt_BR" / "LC_MESSAGES" / "django.po"))
    kept = {(e.msgctxt, e.msgid) for e in live_entries(polib.pofile(str(CATALOGUE)))}
    found = {(e.msgctxt, e.msgid) for e in live_entries(fresh)}
    assert sorted(found - kept, key=str) == [], "run `make makemessages` and translate"
    assert sorted(kept - found, key=str) == [], "stale entries: run `make makemessages`"


@pytest.mark.django_db
def test_the_browser_language_chooses_portuguese(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9").content.decode()
    assert '<html lang="pt-br">' in html
    assert "Como podemos ajudar?" in html
    assert "Consultar um ticket" in html


@pytest.mark.django_db
def test_the_language_cookie_wins_over_the_browser(client):
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
    assert "How can we help?" in html


@pytest.mark.django_db
def test_form_errors_come_in_portuguese(client):
    response = client.post(
        reverse("accounts:signup"), {"full_name": ""}, HTTP_ACCEPT_LANGUAGE="pt-BR"
    )
    assert "Este campo é obrigatório." in response.content.decode()


def _site_language(**env):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_LANGUAGE_CODE"}
    code = "from helpdesk.settings import main; print(main.LANGUAGE_CODE)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**environment, "DJANGO_DEBUG": "true", **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_site_speaks_portuguese_unless_told_otherwise():
    assert _site_language().stdout.strip() == "pt-br"
    assert _site_language(DJANGO_LANGUAGE_CODE="en").stdout.strip() == "en"


def test_a_language_the_site_has_no_catalogue_for_stops_it():
    refused = _site_language(DJANGO_LANGUAGE_CODE="fr")
    assert refused.returncode != 0
    assert "DJANGO_LANGUAGE_CODE='fr'" in refused.stderr


@pytest.mark.django_db
def test_the_files_help_is_in_the_pages_language(client, light_user):
    client.force_login(light_user)
    page = client.get(reverse("tickets:new"), HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
    assert "Até 10 arquivos, 25 MB no total." in page
    assert "Up to" not in page


def test_dates_and_counts_are_written_as_brazilian_portuguese_writes_them():
    from datetime import date

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.utils import translation
    from django.utils.formats import date_format
    from django.utils.translation import ngettext

    with translation.override("pt-br"):
        saturday = date(2026, 12, 5)
        assert date_format(saturday, "DATE_FORMAT") == "5 de dezembro de 2026"
        assert date_format(saturday, "l, D") == "sábado, sáb"
        # Zero takes the plural ("0 minutos"), as Brazilian grammar has it.
        zero = ngettext("%(minutes)s minute in all", "%(minutes)s minutes in all", 0)
        assert zero % {"minutes": 0} == "0 minutos no total"
        with pytest.raises(ValidationError) as refused:
            validate_email("nao-e-email")
        assert refused.value.messages == ["Informe um endereço de e-mail válido."]
