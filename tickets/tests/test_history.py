"""The ticket's history as the agent and the customer read it (tickets.history)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tickets import history
from tickets.models import Attachment, EntryLink
from tickets.tests.factories import (
    CategoryFactory,
    EntryFactory,
    PriorityFactory,
    ProductFactory,
    ProgressLabelFactory,
    SeverityFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db

HOURS = "09:00\u201311:00"  # with an en dash
ORDER = {
    "service_order": "scheduled",
    "technician": "Tina",
    "starts_at": "2026-12-01T09:00:00-03:00",
    "ends_at": "2026-12-01T11:00:00-03:00",
}
# (kind, data, minutes, body text) -> what the agent reads, what the customer reads (None:
# not shown to the customer), in English and in Portuguese: plain text, which the templates
# escape (tickets/tests/test_escaping.py).
EVENTS = [
    ("status", {"from": "new", "to": "open"}, None, "",
     "Ann: New → Open.", "Ann: Novo → Aberto.",
     "Ann set the status to “In progress”.", "Ann mudou o status para “Em andamento”."),
    ("status", {"from": "open", "to": "closed", "reason": "dup <1>"}, None, "",
     "Ann: Open → Closed. Reason: dup <1>", "Ann: Aberto → Encerrado. Motivo: dup <1>",
     None, None),
    ("priority", {"from": "Low", "to": "High"}, None, "",
     "Ann changed the priority from Low to High.", "Ann mudou a prioridade de Low para High.",
     "Ann changed the priority from Low to High.", "Ann mudou a prioridade de Low para High."),
    ("assignment", {"to": "Bo <B>"}, None, "",
     "Ann assigned it to Bo <B>.", "Ann atribuiu a Bo <B>.", None, None),
    ("transfer", {"to_department": "Sales", "to_agent": None}, None, "",
     "Ann transferred it to Sales, to its queue.", "Ann transferiu para a fila de Sales.",
     None, None),
    ("transfer", {"to_department": "Sales", "to_agent": "Bo"}, None, "",
     "Ann transferred it to Sales (Bo).", "Ann transferiu para Sales (Bo).", None, None),
    ("escalation", {"child": 123456, "department": "Dev"}, None, "",
     "Ann escalated it to Dev as #123456.", "Ann escalonou para Dev como #123456.", None, None),
    ("edit", ORDER, None, "",
     f"Ann scheduled a service order with Tina: 12/01/2026 {HOURS}.",
     f"Ann agendou uma ordem de serviço com Tina: 01/12/2026 {HOURS}.", None, None),
    ("edit", {"trash": "restored"}, None, "",
     "Ann restored it from the trash.", "Ann restaurou da lixeira.", None, None),
    ("edit", {"title": ["Old <t>", "New"], "category": ["", "X"]}, None, "",
     "Ann edited: title: “Old <t>” → “New”; category: — → “X”",
     "Ann editou: título: “Old <t>” → “New”; categoria: — → “X”", None, None),
    ("edit", {"notify_customer": ["True", "False"], "message": ["a", "b"]}, None, "",
     "Ann edited: notify the customer by e-mail: “yes” → “no”; message: “a” → “b”",
     "Ann editou: notificar o cliente por e-mail: “sim” → “não”; mensagem: “a” → “b”",
     None, None),
    ("time", {}, 1, "", "Ann logged 1 minute.", "Ann registrou 1 minuto.", None, None),
    ("time", {}, 30, "", "Ann logged 30 minutes.", "Ann registrou 30 minutos.", None, None),
    ("rating", {"score": 4}, None, "great <job>",
     "Ann rated the service 4 stars. “great <job>”",
     "Ann avaliou o atendimento com 4 estrelas. “great <job>”",
     "Ann rated the service 4 stars. “great <job>”",
     "Ann avaliou o atendimento com 4 estrelas. “great <job>”"),
]  # fmt: skip


@pytest.mark.parametrize("event", EVENTS, ids=[f"{e[0]}-{n}" for n, e in enumerate(EVENTS)])
@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_every_event_reads_in_both_languages_with_its_values_as_written(event, language, agent):
    kind, data, minutes, body, staff_en, staff_pt, customer_en, customer_pt = event
    agent.full_name = "Ann"
    entry = EntryFactory(kind=kind, author=agent, data=data, minutes=minutes, body_text=body)
    with translation.override(language):
        staff = history.event_text(entry, staff=True)
        customer = history.event_text(entry, staff=False)
    assert staff == (staff_en if language == "en" else staff_pt)
    if customer_en is not None:
        assert customer == (customer_en if language == "en" else customer_pt)


@pytest.fixture
def named(department, other_department):
    """Rows with a name in each language, as administrators enter them."""
    return {
        "support": department, "billing": other_department,
        "low": PriorityFactory(name="Low", name_pt_br="Baixa"),
        "urgent": PriorityFactory(name="Urgent", name_pt_br="Urgente"),
        "printers": CategoryFactory(name="Printers", name_pt_br="Impressoras"),
        "erp": ProductFactory(name="ERP system", name_pt_br="Sistema ERP"),
        "major": SeverityFactory(name="Major", name_pt_br="Grave"),
        "analysis": ProgressLabelFactory(name="Under analysis", name_pt_br="Em análise"),
    }  # fmt: skip


def _ids(named, before, after):
    return [named[before].name, named[after].name, named[before].id, named[after].id]


# Events as the services write them now (ids beside the English names), read in English and
# in Portuguese: each row is named in the reader's language at reading time.
NAMED_EVENTS = [
    ("priority", lambda n: {"from": "Low", "to": "Urgent", "from_id": n["low"].id,
                            "to_id": n["urgent"].id},
     "Ann changed the priority from Low to Urgent.",
     "Ann mudou a prioridade de Baixa para Urgente."),
    ("transfer", lambda n: {"to_department": "Billing", "to_department_id": n["billing"].id,
                            "to_agent": ""},
     "Ann transferred it to Billing, to its queue.", "Ann transferiu para a fila de Financeiro."),
    ("transfer", lambda n: {"to_department": "Billing", "to_department_id": n["billing"].id,
                            "to_agent": "Bo"},
     "Ann transferred it to Billing (Bo).", "Ann transferiu para Financeiro (Bo)."),
    ("escalation", lambda n: {"child": 7, "department": "Billing",
                              "department_id": n["billing"].id},
     "Ann escalated it to Billing as #7.", "Ann escalonou para Financeiro como #7."),
    ("edit", lambda n: {"category": ["", "Printers", None, n["printers"].id],
                        "product": ["ERP system", "", n["erp"].id, None],
                        "severity": ["", "Major", None, n["major"].id],
                        "priority": _ids(n, "low", "urgent")},
     "Ann edited: category: — → “Printers”; product: “ERP system” → —; severity: — → “Major”; "
     "priority: “Low” → “Urgent”",
     "Ann editou: categoria: — → “Impressoras”; produto: “Sistema ERP” → —; "
     "severidade: — → “Grave”; prioridade: “Baixa” → “Urgente”"),
]  # fmt: skip


@pytest.mark.parametrize(
    "event", NAMED_EVENTS, ids=[f"{e[0]}-{n}" for n, e in enumerate(NAMED_EVENTS)]
)
@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_rows_an_event_names_read_in_the_readers_language(event, language, agent, named):
    kind, data, english, portuguese = event
    agent.full_name = "Ann"
    entry = EntryFactory(kind=kind, author=agent, data=data(named))
    with translation.override(language):
        assert history.event_text(entry, staff=True) == (
            english if language == "en" else portuguese
        )


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_a_row_renamed_since_reads_by_its_new_name(language, agent, named):
    data = {"to_department": "Billing", "to_department_id": named["billing"].id, "to_agent": ""}
    entry = EntryFactory(kind="transfer", author=agent, data=data)
    named["billing"].name, named["billing"].name_pt_br = "Finance", "Finanças"
    named["billing"].save()
    with translation.override(language):
        text = history.event_text(entry, staff=True)
    assert ("Finance," if language == "en" else "fila de Finanças") in text


def test_events_stored_before_ids_are_named_by_the_english_name_they_kept(agent, named):
    # Older events kept only the English name: the row that has it names itself in Portuguese.
    agent.full_name = "Ann"
    priority = EntryFactory(kind="priority", author=agent, data={"from": "Low", "to": "Urgent"})
    escalation = EntryFactory(kind="escalation", author=agent,
                              data={"child": 7, "department": "Billing"})  # fmt: skip
    edit = EntryFactory(kind="edit", author=agent, data={"category": ["", "Printers"]})
    progress = {"label": "Under analysis", "label_pt_br": ""}
    with translation.override("pt-br"):
        assert history.event_text(priority, staff=False) == (
            "Ann mudou a prioridade de Baixa para Urgente."
        )
        assert (
            history.event_text(escalation, staff=True) == "Ann escalonou para Financeiro como #7."
        )
        assert history.event_text(edit, staff=True) == "Ann editou: categoria: — → “Impressoras”"
        assert history.progress_name(progress) == "Em análise"


def test_a_deleted_row_reads_by_the_name_stored_with_the_event(agent, named):
    label = named["analysis"]
    data = {"label": label.name, "label_id": label.id, "label_pt_br": label.name_pt_br}
    label.delete()
    with translation.override("pt-br"):
        assert history.progress_name(data) == "Em análise"
    with translation.override("en"):
        assert history.progress_name(data) == "Under analysis"
        assert history.progress_name({"label": "Gone", "label_id": 999}) == "Gone"


def test_an_event_without_an_author_is_the_systems(agent):
    entry = EntryFactory(kind="status", author=None, data={"from": "resolved", "to": "closed"})
    assert history.event_text(entry, staff=True) == "System: Resolved → Closed."


@pytest.fixture
def thread(light_user, agent, department):
    light_user.full_name = "Ana O'Brien & <Co>"
    light_user.save()
    agent.full_name = "Ann"
    agent.save()
    ticket = TicketFactory(requester=light_user, department=department, assignee=agent)
    first = EntryFactory(
        ticket=ticket, kind="message", author=light_user, body_html="<p>first <b>bold</b></p>",
        body_text="line one\nline & two " + "word " * 70,
    )  # fmt: skip
    Attachment.objects.create(
        entry=first, file="a/shot.png", name="shot <1>.png", content_type="image/png",
        size=123456, thumbnail="t/shot.png",
    )  # fmt: skip
    Attachment.objects.create(
        entry=first, file="a/doc.pdf", name="doc.pdf", content_type="application/pdf", size=99
    )
    EntryLink.objects.create(entry=first, url="https://example.com/?a=1&b=2")
    EntryFactory(
        ticket=ticket, kind="reply", author=agent, body_html="<p>answer</p>", quoted=first,
        minutes=5,
    )  # fmt: skip
    EntryFactory(ticket=ticket, kind="note", is_public=False, author=agent, body_html="<p>n</p>")
    EntryFactory(
        ticket=ticket, kind="email", is_public=False, author=agent, body_html="<p>m</p>",
        data={"to": ["a@x.com", "b@x.com"], "cc": ["c@x.com"], "subject": "Hi <there>"},
    )  # fmt: skip
    EntryFactory(ticket=ticket, kind="progress", author=agent, data={"label": "Testing"})
    EntryFactory(ticket=ticket, kind="status", author=agent, data={"from": "new", "to": "open"})
    return ticket


def page(user, url, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    html = client.get(url).content.decode()
    return html[html.index('<ol class="list-unstyled thread">') : html.index("</ol>")]


def test_the_agent_reads_every_entry_with_its_badges_files_and_quote(thread, agent):
    html = page(agent, reverse("agent:ticket", args=[thread.number]))
    first, reply, note, mail, progress, status = thread.entries.order_by("id")
    cards = re.findall(r'<li class="card[^"]*" id="entry-(\d+)"', html)
    assert cards == [str(e.id) for e in (first, reply, note, mail, progress)]
    assert f'<li class="small text-body-secondary mb-3 entry-event" id="entry-{status.id}">' in html
    assert "<strong>Ana O&#39;Brien &amp; &lt;Co&gt;</strong>" in html
    assert "<p>first <b>bold</b></p>" in html  # the cleaned message, as HTML
    files = f"/tickets/{thread.number}/files/"
    attachment = first.attachments.order_by("id").first()
    assert f'<img src="{files}{attachment.id}/thumbnail/"' in html
    assert "shot &lt;1&gt;.png" in html
    assert "(120.6\xa0KB)" in html
    assert 'href="https://example.com/?a=1&amp;b=2" rel="noopener noreferrer nofollow"' in html
    assert '<blockquote class="quoted small">line one line &amp; two word' in html
    assert "word word …</blockquote>" in html  # cut at 60 words
    assert 'entry-reply entry-staff"' in html
    assert "</i> 5 minutes</span>" in html
    assert "</i> Internal note</span>" in html
    assert "to a@x.com, b@x.com · copies c@x.com · “Hi &lt;there&gt;”" in html
    assert '<span class="badge text-bg-info">Progress: Testing</span>' in html
    assert "Ann: New → Open." in html


def test_the_customer_reads_messages_and_may_quote_them(thread, light_user):
    html = page(light_user, reverse("tickets:detail", args=[thread.number]))
    assert "<p>n</p>" not in html
    assert "Hi &lt;there&gt;" not in html
    assert '<strong>Ann</strong> <span class="badge text-bg-primary">Support</span>' in html
    assert "Ana O&#39;Brien &amp; &lt;Co&gt; wrote:</div>line one line &amp; two" in html
    assert html.count('class="btn btn-link btn-sm px-0 mt-2 quote-button"') == 2
    assert 'data-quote-author="Ann"' in html
    assert "Ann set the status to “In progress”." in html
    thread.status = "closed"
    thread.save()
    assert "quote-button" not in page(light_user, reverse("tickets:detail", args=[thread.number]))


def test_the_history_is_in_portuguese_for_who_reads_it_so(thread, agent):
    html = page(agent, reverse("agent:ticket", args=[thread.number]), language="pt-br")
    assert "</i> Nota interna</span>" in html
    assert "</i> 5 minutos</span>" in html
    assert "Ann: Novo → Aberto." in html


@pytest.mark.parametrize(
    ("action", "english", "portuguese"),
    [
        ("customer_reply", "Awaiting our response", "Aguardando nossa resposta"),
        ("claim", "In progress", "Em andamento"),
    ],
)
def test_the_customers_status_line_names_the_status_as_their_badge_did(
    action, english, portuguese, light_user
):
    # A customer's reply opens the ticket; their badge then says it awaits us, and so does
    # the line.
    light_user.full_name = "Ana"
    data = {"from": "waiting_customer", "to": "open", "action": action}
    entry = EntryFactory(kind="status", author=light_user, data=data)
    with translation.override("en"):
        assert history.event_text(entry, staff=False) == f"Ana set the status to “{english}”."
    with translation.override("pt-br"):
        assert history.event_text(entry, staff=False) == f"Ana mudou o status para “{portuguese}”."
