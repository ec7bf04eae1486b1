"""Merging tickets (workspace.merge): one thread in time order with each entry's origin, files,
time and ratings kept, the requesters following the survivor and mailed once, the merged
numbers answering with the survivor, and an administrator's exact undo within the trash
period."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail as sent
from django.urls import reverse
from django.utils import timezone, translation

from accounts.services import find_or_make_guest
from mail.models import OutboundEmail
from tickets import guest_access, services
from tickets.history import event_text
from tickets.models import Attachment, Rating, Ticket, TicketEntry, TicketFollower
from tickets.services import NotAllowed, WorkTime
from tickets.tests.fixtures import open_for, png_upload
from workspace import bulk, merge
from workspace.refusals import Refused

from .test_bulk import run

pytestmark = pytest.mark.django_db

MERGE_MAIL = "workspace/tickets_merged"


def fresh(ticket):
    return Ticket.objects.get(id=ticket.id)


@pytest.fixture
def pair(light_user, agent, department, django_capture_on_commit_callbacks):
    """Two tickets of the same customer: the older one, answered, with a file and time, is
    the duplicate; the newer one is kept."""
    with django_capture_on_commit_callbacks(execute=True):
        source = open_for(light_user, department, title="Printer", files=[png_upload()])
        target = open_for(light_user, department, title="Printer again")
        services.reply_to_ticket(ticket=source, actor=agent, body_html="<p>Which model?</p>")
        services.log_time(ticket=source, actor=agent, work=WorkTime(minutes=25))
        services.reply_to_ticket(ticket=target, actor=agent, body_html="<p>On it.</p>")
    return fresh(source), fresh(target)


def test_the_thread_reads_both_tickets_in_time_order_each_entry_marked_with_its_origin(
    pair, agent, client, password
):
    source, target = pair
    moved_ids = set(source.entries.filter(merge.MOVED).values_list("id", flat=True))
    merge.merge_tickets(actor=agent, sources=[source], target=target)
    thread = list(target.entries.filter(merge.MOVED))
    assert {e.id for e in thread} >= moved_ids
    assert [(e.created_at, e.id) for e in thread] == sorted((e.created_at, e.id) for e in thread)
    origins = {e.id: e.data.get("merged_from") for e in thread}
    assert {i for i, n in origins.items() if n == source.number} == moved_ids
    # The source keeps its own status events; its messages went.
    assert not source.entries.filter(kind__in=["message", "reply"]).exists()
    client.login(email=agent.email, password=password)
    page = client.get(reverse("agent:ticket", args=[target.number])).content.decode()
    assert f"from #{source.number}" in page
    assert page.index("Which model?") < page.index("On it.")


def test_files_time_and_rating_are_kept(light_user, agent, department, pair):
    source, target = pair
    services.resolve_ticket(ticket=source, actor=agent)
    services.rate_ticket(ticket=source, actor=light_user, score=4, comment="Fast")
    source = fresh(source)
    merge.merge_tickets(actor=agent, sources=[source], target=target)
    attachment = Attachment.objects.get()
    assert attachment.entry.ticket_id == target.id
    assert sum(e.minutes or 0 for e in target.entries.all()) == 25
    assert Rating.objects.get().ticket_id == source.id  # the reports still read it there
    assert target.entries.filter(kind="rating", data__merged_from=source.number).exists()
    source = fresh(source)
    assert source.status == "closed"
    assert source.merged_into_id == target.id


def test_requesters_follow_the_survivor_and_each_is_mailed_once(
    light_user, colleague, agent, department, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        target = open_for(light_user, department)
        mine = [open_for(light_user, department) for _ in range(2)]
        theirs = open_for(colleague, department)
    OutboundEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        merge.merge_tickets(actor=agent, sources=[*mine, theirs], target=target)
    assert list(TicketFollower.objects.filter(ticket=target).values_list("user", flat=True)) == [
        colleague.id
    ]
    mails = OutboundEmail.objects.filter(template=MERGE_MAIL)
    assert sorted(m.to for m in mails) == sorted([light_user.email, colleague.email])
    to_me = mails.get(to=light_user.email)
    assert all(t.reference in to_me.body_text for t in mine)
    assert f"[{target.reference}]" in to_me.subject


def test_the_merge_mail_is_in_the_requesters_language(
    light_user, agent, department, django_capture_on_commit_callbacks
):
    light_user.language = "pt-br"
    light_user.save(update_fields=["language"])
    target, source = open_for(light_user, department), open_for(light_user, department)
    with django_capture_on_commit_callbacks(execute=True):
        merge.merge_tickets(actor=agent, sources=[source], target=target)
    mail = OutboundEmail.objects.get(template=MERGE_MAIL)
    assert mail.subject == f"[{target.reference}] {source.reference} mesclado em {target.reference}"
    assert "por isso nós as mesclamos" in mail.body_text


def test_a_merged_number_redirects_the_agent_and_the_customer_and_404s_who_cannot_see(
    pair, agent, light_user, outsider, other_agent, client, password
):
    source, target = pair
    merge.merge_tickets(actor=agent, sources=[source], target=target)
    client.login(email=agent.email, password=password)
    page = client.get(reverse("agent:ticket", args=[source.number]))
    assert page.status_code == 302
    assert page.url == reverse("agent:ticket", args=[target.number])
    client.login(email=light_user.email, password=password)
    page = client.get(reverse("tickets:detail", args=[source.number]))
    assert page.url == reverse("tickets:detail", args=[target.number])
    assert client.get(page.url).status_code == 200
    for stranger in (outsider, other_agent):
        client.login(email=stranger.email, password=password)
        name = "agent:ticket" if stranger.is_agent else "tickets:detail"
        assert client.get(reverse(name, args=[source.number])).status_code == 404


def test_a_colleague_whose_ticket_was_merged_sees_the_survivor_as_a_follower(
    light_user, colleague, agent, department, client, password
):
    target, theirs = open_for(light_user, department), open_for(colleague, department)
    merge.merge_tickets(actor=agent, sources=[theirs], target=target)
    client.login(email=colleague.email, password=password)
    page = client.get(reverse("tickets:detail", args=[theirs.number]), follow=True)
    assert page.status_code == 200
    assert page.request["PATH_INFO"] == reverse("tickets:detail", args=[target.number])


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("itself", "merge_self"),
        ("into_merged", "merge_merged"),
        ("source_merged", "merge_merged"),
        ("other_company", "merge_requester"),
        ("closed_target", "merge_closed"),
        ("internal", "merge_kind"),
    ],
)
def test_merges_that_make_no_sense_are_refused_with_their_reason(
    case, code, light_user, outsider, agent, department
):
    target, source = open_for(light_user, department), open_for(light_user, department)
    if case == "itself":
        source = target
    elif case in ("into_merged", "source_merged"):
        other = open_for(light_user, department)
        merged, into = (target, other) if case == "into_merged" else (source, other)
        merge.merge_tickets(actor=agent, sources=[merged], target=into)
    elif case == "other_company":
        source = open_for(outsider, department)
    elif case == "closed_target":
        services.claim_ticket(ticket=target, actor=agent)
        services.finalize_ticket(ticket=target, actor=agent, reason="Done", unanswered=True)
    elif case == "internal":
        source = services.open_internal_ticket(
            actor=agent, department=department, title="Ours", body_html="<p>x</p>"
        )
    with pytest.raises(Refused) as refused:
        merge.merge_tickets(actor=agent, sources=[fresh(source)], target=fresh(target))
    assert refused.value.code == code
    assert refused.value.message


def test_an_agent_who_cannot_see_or_answer_one_side_is_not_allowed(
    light_user, agent, other_agent, department, other_department
):
    mine, elsewhere = open_for(light_user, department), open_for(light_user, other_department)
    with pytest.raises(NotAllowed):
        merge.merge_tickets(actor=agent, sources=[elsewhere], target=mine)
    with pytest.raises(NotAllowed):
        merge.merge_tickets(actor=other_agent, sources=[elsewhere], target=mine)
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()


def snapshot(*tickets):
    entries = TicketEntry.objects.filter(ticket__in=tickets).exclude(kind="edit")
    fields = [*merge.KEPT_FIELDS, "merged_into_id"]
    return (
        {e.id: (e.ticket_id, e.data) for e in entries.exclude(kind="status")},
        [tuple(getattr(fresh(t), f) for f in fields) for t in tickets],
        set(TicketFollower.objects.filter(ticket__in=tickets).values_list("ticket", "user")),
    )


def test_an_administrator_undoes_a_merge_exactly(pair, colleague, agent, administrator, department):
    source, target = pair
    theirs = open_for(colleague, department)
    before = snapshot(source, theirs, target)
    entry = merge.merge_tickets(actor=agent, sources=[source, theirs], target=target)
    assert snapshot(source, theirs, target) != before
    later = services.reply_to_ticket(ticket=target, actor=agent, body_html="<p>After.</p>")
    restored = merge.unmerge_tickets(actor=administrator, entry=entry)
    assert {t.id for t in restored} == {source.id, theirs.id}
    after = snapshot(source, theirs, target)
    after[0].pop(later.id)  # written on the survivor after the merge: it stays there
    assert after == before
    page_text = event_text(target.entries.filter(kind="edit").last(), staff=True)
    merged = ", ".join(f"#{n}" for n in sorted([source.number, theirs.number]))  # by number
    assert page_text.endswith(f"undid the merge of {merged} into #{target.number}.")
    with pytest.raises(Refused) as twice:
        merge.unmerge_tickets(actor=administrator, entry=entry)
    assert twice.value.code == "unmerge_done"


def test_undo_is_refused_after_the_trash_period_and_to_anyone_but_an_administrator(
    pair, agent, manager, administrator, settings
):
    source, target = pair
    entry = merge.merge_tickets(actor=agent, sources=[source], target=target)
    with pytest.raises(NotAllowed):
        merge.unmerge_tickets(actor=manager, entry=entry)
    TicketEntry.objects.filter(id=entry.id).update(
        created_at=timezone.now() - timedelta(days=settings.TRASH_DAYS, minutes=1)
    )
    entry.refresh_from_db()
    with pytest.raises(Refused) as late:
        merge.unmerge_tickets(actor=administrator, entry=entry)
    assert late.value.code == "unmerge_late"
    assert fresh(source).merged_into_id == target.id


def test_the_history_says_it_in_the_readers_language(pair, agent):
    source, target = pair
    entry = merge.merge_tickets(actor=agent, sources=[source], target=target)
    with translation.override("pt-br"):
        text = event_text(entry, staff=True)
    assert text == f"{agent.full_name} mesclou #{source.number} em #{target.number}."
    with translation.override("en"):
        text = event_text(source.entries.filter(kind="edit").last(), staff=True)
    assert text == f"{agent.full_name} merged #{source.number} into #{target.number}."


def test_the_panel_previews_both_tickets_then_merges(pair, agent, client, password):
    source, target = pair
    client.login(email=agent.email, password=password)
    url = reverse("merge:ticket", args=[source.number])
    assert client.get(url).status_code == 200
    preview = client.post(url, {"target": target.number}).content.decode()
    assert "merge-preview" in preview
    assert target.title in preview
    assert source.title in preview
    assert fresh(source).merged_into_id is None
    done = client.post(url, {"target": target.number, "confirm": "1"})
    assert done.url == reverse("agent:ticket", args=[target.number])
    assert fresh(source).merged_into_id == target.id
    again = client.post(url, {"target": target.number}).content.decode()
    assert "Already merged into another ticket." in again


def test_the_panel_refuses_a_ticket_the_agent_cannot_see_as_404(
    pair, agent, light_user, other_department, client, password
):
    source, _target = pair
    hidden = open_for(light_user, other_department)
    client.login(email=agent.email, password=password)
    url = reverse("merge:ticket", args=[source.number])
    assert client.post(url, {"target": hidden.number, "confirm": "1"}).status_code == 404
    assert fresh(source).merged_into_id is None


def test_an_administrator_undoes_from_the_merge_page_and_others_may_not(
    pair, agent, administrator, client, password
):
    source, target = pair
    entry = merge.merge_tickets(actor=agent, sources=[source], target=target)
    undo = reverse("merge:undo", args=[entry.id])
    client.login(email=agent.email, password=password)
    assert undo not in client.get(reverse("merge:ticket", args=[target.number])).content.decode()
    assert client.post(undo).status_code == 403
    client.login(email=administrator.email, password=password)
    assert undo in client.get(reverse("merge:ticket", args=[target.number])).content.decode()
    assert client.post(undo).url == reverse("agent:ticket", args=[target.number])
    assert fresh(source).merged_into_id is None


def test_a_bulk_merge_merges_each_chosen_ticket_into_the_one_picked(
    light_user, agent, department, outsider
):
    target = open_for(light_user, department)
    chosen = [open_for(light_user, department) for _ in range(2)]
    foreign = open_for(outsider, department)
    job = run(agent, "merge", [*chosen, target, foreign], params={"target": target.number})
    assert job.done == 2
    assert job.refused == [
        {"number": target.number, "reason": "merge_self"},
        {"number": foreign.number, "reason": "merge_requester"},
    ]
    assert set(Ticket.objects.filter(merged_into=target).values_list("id", flat=True)) == {
        t.id for t in chosen
    }


def test_a_bulk_merge_into_a_ticket_the_agent_cannot_see_merges_nothing(
    light_user, agent, department, other_department
):
    hidden = open_for(light_user, other_department)
    chosen = open_for(light_user, department)
    job = run(agent, "merge", [chosen], params={"target": hidden.number})
    assert job.done == 0
    assert job.refused == [{"number": chosen.number, "reason": "not_allowed"}]


def test_the_bulk_bar_merges_the_ticked_tickets_and_lists_the_refused(
    light_user, agent, department, client, password
):
    target = open_for(light_user, department)
    chosen = [open_for(light_user, department) for _ in range(2)]
    client.login(email=agent.email, password=password)
    url = reverse("workspace:bulk")
    ticked = [t.number for t in [*chosen, target]]
    missing = client.post(url, {"action": "merge", "confirm": "1", "ticket": ticked})
    assert "Choose one for this action." in missing.content.decode()
    answer = client.post(
        url, {"action": "merge", "confirm": "1", "ticket": ticked, "target": target.number}
    )
    page = client.get(answer.url).content.decode()
    assert "2 tickets merged" in page
    assert f"#{target.number}</a>: A ticket cannot be merged into itself." in page
    assert Ticket.objects.filter(merged_into=target).count() == 2


def test_a_customer_kept_as_a_follower_is_not_sent_the_agents_mail(
    light_user, colleague, agent, department, django_capture_on_commit_callbacks
):
    target, theirs = open_for(light_user, department), open_for(colleague, department)
    TicketFollower.objects.create(ticket=target, user=agent)
    merge.merge_tickets(actor=agent, sources=[theirs], target=target)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_to_ticket(ticket=target, actor=light_user, body_html="<p>Still?</p>")
    told = OutboundEmail.objects.filter(template="tickets/customer_replied")
    assert list(told.values_list("to", flat=True)) == [agent.email]


def test_a_merge_whose_survivor_was_merged_since_is_undone_from_the_last_one_first(
    pair, light_user, agent, administrator, department
):
    source, target = pair
    first = merge.merge_tickets(actor=agent, sources=[source], target=target)
    merge.merge_tickets(
        actor=agent, sources=[fresh(target)], target=open_for(light_user, department)
    )
    with pytest.raises(Refused) as refused:
        merge.unmerge_tickets(actor=administrator, entry=first)
    assert refused.value.code == "merge_merged"


REPLY_MAIL = "tickets/reply_posted"


def test_a_customer_kept_as_a_follower_gets_the_agents_public_replies_once_in_their_language(
    light_user, colleague, agent, department, django_capture_on_commit_callbacks
):
    colleague.language = "pt-br"
    colleague.save(update_fields=["language"])
    target, theirs = open_for(light_user, department), open_for(colleague, department)
    merge.merge_tickets(actor=agent, sources=[theirs], target=target)
    OutboundEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_note(ticket=target, actor=agent, body_html="<p>Between us.</p>")
        services.reply_to_ticket(ticket=target, actor=agent, body_html="<p>Fixed now.</p>")
    mails = OutboundEmail.objects.filter(template=REPLY_MAIL)
    assert sorted(mails.values_list("to", flat=True)) == sorted([light_user.email, colleague.email])
    to_them = mails.get(to=colleague.email)
    assert to_them.subject == f"[{target.reference}] Nova resposta: {target.title}"
    assert "Fixed now." in to_them.body_text
    assert reverse("tickets:detail", args=[target.number]) in to_them.body_text
    assert not OutboundEmail.objects.filter(body_text__contains="Between us.").exists()
    # The customers' own replies are not theirs to be mailed: the agents get those.
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_to_ticket(ticket=target, actor=light_user, body_html="<p>Thanks.</p>")
    assert not OutboundEmail.objects.filter(to=colleague.email).exclude(id=to_them.id).exists()


def test_a_follower_gets_the_reply_that_resolves_the_ticket_but_not_the_rating(
    light_user, colleague, agent, department, django_capture_on_commit_callbacks
):
    target, theirs = open_for(light_user, department), open_for(colleague, department)
    merge.merge_tickets(actor=agent, sources=[theirs], target=target)
    services.claim_ticket(ticket=target, actor=agent)
    OutboundEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_to_ticket(ticket=target, actor=agent, body_html="<p>Fixed now.</p>",
                                 resolving=True)  # fmt: skip
    to_them = OutboundEmail.objects.filter(to=colleague.email)
    assert list(to_them.values_list("template", flat=True)) == [REPLY_MAIL]
    assert "Fixed now." in to_them.get().body_text
    to_requester = OutboundEmail.objects.filter(to=light_user.email)
    assert list(to_requester.values_list("template", flat=True)) == ["tickets/ticket_resolved"]


@pytest.fixture
def guest(organization):
    person, _ = find_or_make_guest(full_name="Gil Guest", email="gil@acme.example", language="en")
    person.organization = organization
    person.save(update_fields=["organization"])
    return person


def test_a_guest_kept_as_a_follower_is_mailed_a_link_that_opens_the_survivor_to_read_only(
    guest, light_user, agent, department, client, django_capture_on_commit_callbacks
):
    target, theirs = open_for(light_user, department), open_for(guest, department)
    other = open_for(light_user, department, title="Not theirs")
    merge.merge_tickets(actor=agent, sources=[theirs], target=target)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_to_ticket(ticket=target, actor=agent, body_html="<p>Fixed now.</p>")
    (mail,) = [m for m in sent.outbox if m.to == [guest.email]]  # as sent: stored, it is redacted
    link = next(w for w in mail.body.split() if "/access/" in w)
    page = client.get(urlsplit(link).path, follow=True)
    assert page.status_code == 200
    assert page.context["ticket"] == target
    assert not page.context["may_act"]
    reply = reverse("tickets:reply", args=[target.number])
    assert client.post(reply, {"reply-body": "<p>Me too</p>"}).status_code == 403
    assert not target.entries.filter(author=guest, kind="reply").exists()
    assert client.get(reverse("tickets:detail", args=[other.number])).status_code == 404


def test_a_guests_link_to_their_merged_ticket_leads_to_the_survivor_they_asked_for_too(
    guest, agent, department, client
):
    target, source = open_for(guest, department), open_for(guest, department)
    merge.merge_tickets(actor=agent, sources=[source], target=target)
    link = reverse("tickets:guest_access", args=[guest_access.make_token(fresh(source))])
    page = client.get(link, follow=True)
    assert page.redirect_chain[-1][0] == reverse("tickets:detail", args=[target.number])
    assert page.context["ticket"] == target
    assert page.context["may_act"]
    client.post(reverse("tickets:reply", args=[target.number]), {"reply-body": "<p>More</p>"})
    assert target.entries.filter(author=guest, kind="reply").exists()


def test_a_guests_link_opens_the_survivor_no_longer_once_the_merge_is_undone(
    guest, light_user, agent, administrator, department, client
):
    target, theirs = open_for(light_user, department), open_for(guest, department)
    entry = merge.merge_tickets(actor=agent, sources=[theirs], target=target)
    client.get(reverse("tickets:guest_access", args=[guest_access.make_token(fresh(theirs))]))
    survivor = reverse("tickets:detail", args=[target.number])
    assert client.get(survivor).status_code == 200
    merge.unmerge_tickets(actor=administrator, entry=entry)
    assert client.get(survivor).status_code == 404
    assert client.get(reverse("tickets:detail", args=[theirs.number])).status_code == 200


def test_a_bulk_merge_mails_each_requester_once_for_the_whole_merge(
    light_user, colleague, agent, department, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(bulk, "BATCH", 2)  # the job's tickets in batches, as a worker runs them
    target = open_for(light_user, department)
    mine = [open_for(light_user, department) for _ in range(3)]
    theirs = open_for(colleague, department)
    OutboundEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        job = run(agent, "merge", [*mine, theirs, target], params={"target": target.number})
    assert job.done == 4
    mails = OutboundEmail.objects.filter(template=MERGE_MAIL)
    assert sorted(m.to for m in mails) == sorted([light_user.email, colleague.email])
    to_me = mails.get(to=light_user.email)
    assert all(t.reference in to_me.body_text for t in mine)
    assert f"[{target.reference}]" in to_me.subject
