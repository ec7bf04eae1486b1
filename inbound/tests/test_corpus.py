"""Real-world mail, as clients write it (mail/corpus/SOURCES.md), run through `receive` as
`receive_mail` would: each file's expected outcome and words are in mail/corpus/expected.tsv."""

import csv
import re
from pathlib import Path

import pytest

from accounts.models import DepartmentMembership
from accounts.tests.factories import CustomerFactory
from inbound.handler import receive
from mail.models import OutboundEmail
from tickets import services
from tickets.models import InboundEmail, Ticket
from tickets.tests.factories import DepartmentFactory
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "mail" / "corpus"
JOAO = b"Joao Pereira <joao@empresa.example>"
# The headers a reply from João to the agent's mail carries; a file's own are taken out.
THREAD_HEADERS = re.compile(rb"^(From|In-Reply-To|References):.*\r?\n([ \t].*\r?\n)*", re.I | re.M)


def expectations():
    with (CORPUS / "expected.tsv").open(encoding="utf-8") as table:
        rows = csv.reader((line for line in table if not line.startswith("#")), delimiter="\t")
        for name, sent_as, outcome, present, absent, files in rows:
            split = [word for word in present.split("|") if word], absent.split("|")
            yield pytest.param(name, sent_as, outcome, *split, files, id=name)


@pytest.fixture
def answered(agent, django_capture_on_commit_callbacks):
    """João's ticket, answered by an agent: the mail the corpus's replies answer."""
    support = DepartmentFactory(name="Support", email="support@helpdesk.example", position=0)
    DepartmentMembership.objects.get_or_create(user=agent, department=support)
    joao = CustomerFactory(email="joao@empresa.example", full_name="João Pereira")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_for(joao, support)
        services.claim_ticket(ticket=ticket, actor=agent)
        services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Which version?</p>")
    reply = OutboundEmail.objects.filter(
        in_reply_to=ticket.email_thread_id, template="tickets/reply_posted"
    ).get()
    return ticket, reply


def as_sent(name: str, sent_as: str, ticket: Ticket, reply: OutboundEmail) -> bytes:
    raw = (CORPUS / name).read_bytes()
    if sent_as == "new":
        return raw
    if b"{{message_id}}" in raw:
        raw = raw.replace(b"{{number}}", str(ticket.number).encode())
        raw = raw.replace(b"{{message_id}}", reply.message_id.encode())
    else:  # another project's reply: made João's answer to the agent's mail
        head, separator, body = raw.partition(b"\n\n")
        thread = f"In-Reply-To: {reply.message_id}\nReferences: {reply.message_id}\n".encode()
        raw = b"From: " + JOAO + b"\n" + thread + THREAD_HEADERS.sub(b"", head) + separator + body
    if sent_as == "stranger":
        raw = raw.replace(b"joao@empresa.example", b"stranger@elsewhere.example")
    return raw


@pytest.mark.parametrize(
    ("name", "sent_as", "outcome", "present", "absent", "files"), list(expectations())
)
def test_a_real_clients_mail_is_read_as_a_person_reads_it(
    answered, name, sent_as, outcome, present, absent, files
):
    ticket, reply = answered
    record = receive(as_sent(name, sent_as, ticket, reply))
    assert (record.outcome, record.detail) == (outcome, record.detail)
    if outcome == InboundEmail.Outcome.IGNORED:
        assert record.ticket is None
        assert not ticket.entries.filter(message_id=record.message_id).exists()
        return
    entry = record.ticket.entries.get(message_id=record.message_id)
    text = " ".join(entry.body_text.split())
    for words in present:
        assert " ".join(words.split()) in text
    for words in filter(None, absent):
        assert words not in text
    names = sorted(attachment.name for attachment in entry.attachments.all())
    assert names == sorted(filter(None, files.split("|")))
    if "original.eml" in names:
        note = record.ticket.entries.filter(kind="note").last()
        assert "could not be read" in note.body_text
        assert not note.is_public


def test_every_file_of_the_corpus_has_an_expectation():
    listed = {param.values[0] for param in expectations()}
    assert listed == {path.name for path in CORPUS.glob("*.eml")}
