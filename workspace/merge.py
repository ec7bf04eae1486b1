"""Merging tickets into one that survives, and an administrator undoing it within the trash
period (TRASH_DAYS).

The sources' messages, notes, mail, time and rating lines move to the survivor, each marked
with the number it came from (`data["merged_from"]`), so that its thread reads them all in
time order; their files go with them. A source stays as a closed row pointing at the
survivor (`Ticket.merged_into`): its number answers with the survivor's page, mail replies
to it land there (`inbound.handler`), and its rating stays on it for the reports. The
sources' requesters follow the survivor and are mailed once each. The survivor's history
entry records what moved, so that `unmerge_tickets()` puts back exactly that.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from tickets import mails, permissions, workflow
from tickets.models import Ticket, TicketEntry, TicketFollower
from tickets.search import refresh_search
from tickets.services import NotAllowed
from tickets.services.common import event, lock, move, save
from tickets.workflow import Action

from .refusals import Refused

Kind = TicketEntry.Kind
# What a merge moves: what was said and done on a source, not its own status events.
MOVED = Q(kind__in=[Kind.MESSAGE, Kind.REPLY, Kind.NOTE, Kind.EMAIL, Kind.TIME, Kind.RATING]) | Q(
    minutes__isnull=False
)
# A source's fields its merge changes, put back as they were by an undo.
KEPT_FIELDS = ("status", "closed_at", "resolved_at", "sla_paused_at", "progress_label_id")
MAIL = "workspace/tickets_merged"


def refusal(source: Ticket, target: Ticket) -> str | None:
    """Why `source` may not be merged into `target` (a REASONS code), or None."""
    if source.id == target.id:
        return "merge_self"
    if source.merged_into_id or target.merged_into_id:
        return "merge_merged"
    if target.is_closed:
        return "merge_closed"
    if source.kind != target.kind:
        return "merge_kind"
    if source.parent_id or target.parent_id or source.children.exists():
        return "merge_escalation"
    # A source's public words reach whoever sees the survivor: never outside its company.
    if source.requester_id != target.requester_id and (
        source.organization_id is None or source.organization_id != target.organization_id
    ):
        return "merge_requester"
    return None


def may_merge(user: User, ticket: Ticket) -> bool:
    """Both sides of a merge: an agent who may answer the ticket (who holds it, or may claim
    it while nobody has)."""
    return permissions.may_answer(user, ticket)


@transaction.atomic
def merge_tickets(
    *, actor: User, sources: Sequence[Ticket], target: Ticket, mail: bool = True
) -> TicketEntry:
    """Merge `sources` into `target` (see the module); every ticket must be one the actor
    sees and may answer (NotAllowed), and each source mergeable (Refused). Returns the
    survivor's history entry, which records the merge. Without `mail`, the requesters are
    told by the caller (`mail_requesters()`): a bulk merge tells each person once."""
    if not sources:
        raise Refused("merge_none")
    # Locked in the order of their ids: two merges of the same tickets never deadlock.
    locked = {t.id: lock(t) for t in sorted([*sources, target], key=lambda t: t.id)}
    seen = set(
        permissions.visible_tickets(actor).filter(id__in=locked).values_list("id", flat=True)
    )
    if seen != set(locked) or not all(may_merge(actor, t) for t in locked.values()):
        raise NotAllowed
    target = locked[target.id]
    sources = sorted((locked[s.id] for s in sources), key=lambda s: s.number)
    for source in sources:
        if code := refusal(source, target):
            raise Refused(code)
    now = timezone.now()
    moved = {str(source.id): _merge_one(source, target, actor, now) for source in sources}
    added = []
    for requester_id in dict.fromkeys(s.requester_id for s in sources):
        if requester_id != target.requester_id:
            _, created = TicketFollower.objects.get_or_create(ticket=target, user_id=requester_id)
            added += [requester_id] if created else []
    target.updated_at = now
    target.save(update_fields=["updated_at"])
    numbers = [s.number for s in sources]
    record = {"sources": numbers, "into": target.number, "moved": moved, "followers": added}
    entry = event(target, Kind.EDIT, actor, data={"merge": record}, now=now)
    refresh_search([target.id, *(s.id for s in sources)])
    if mail:
        mail_requesters(sources, target)
    return entry


def _merge_one(source: Ticket, target: Ticket, actor: User, now) -> dict:
    before = {field: getattr(source, field) for field in KEPT_FIELDS}
    entries = list(source.entries.filter(MOVED).order_by("id"))
    for entry in entries:
        entry.ticket = target
        entry.data = {**(entry.data or {}), "merged_from": source.number}
    TicketEntry.objects.bulk_update(entries, ["ticket", "data"])
    move(source, Action.MERGE, actor=actor, now=now)
    source.merged_into = target
    save(source, "merged_into")
    event(source, Kind.EDIT, actor, now=now,
          data={"merge": {"sources": [source.number], "into": target.number}})  # fmt: skip
    dates = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in before.items()}
    return {"number": source.number, "entries": [e.id for e in entries], "before": dates}


def mail_requesters(sources: Sequence[Ticket], target: Ticket) -> None:
    """One mail a person, however many of their tickets were merged into `target`, in their
    language."""
    by_person: dict[int, list[Ticket]] = {}
    for source in sources:
        if source.kind == Ticket.Kind.EXTERNAL:
            by_person.setdefault(source.requester_id, []).append(source)
    for theirs in by_person.values():
        numbers = ", ".join(t.reference for t in theirs)
        mails.mail_requester(theirs[0], MAIL, survivor=target, numbers=numbers)


def undo_deadline(entry: TicketEntry):
    return entry.created_at + timedelta(days=settings.TRASH_DAYS)


def merges_into(ticket: Ticket):
    """The merges into `ticket` its history records, newest first (undone ones too)."""
    return ticket.entries.filter(kind=Kind.EDIT, data__merge__has_key="moved").order_by("-id")


@transaction.atomic
def unmerge_tickets(*, actor: User, entry: TicketEntry) -> list[Ticket]:
    """Undo the merge `entry` records: an administrator, within TRASH_DAYS of it. What moved
    goes back to its ticket (what was written on the survivor since stays there), the
    followers the merge added are removed, and the sources are as they were."""
    if not (actor.is_active and actor.is_administrator):
        raise NotAllowed
    asked = ((entry.data or {}).get("merge") or {}).get("moved", {})
    ids = sorted({entry.ticket_id, *map(int, asked)})
    locked = {i: lock(Ticket(id=i)) for i in ids}  # in the order of their ids, as merges do
    target = locked[entry.ticket_id]
    entry = TicketEntry.objects.select_for_update().get(id=entry.id)
    record = (entry.data or {}).get("merge") or {}
    if "moved" not in record or record.get("undone") or set(map(int, record["moved"])) - set(ids):
        raise Refused("unmerge_done")
    if target.merged_into_id:  # what moved went on with it: undo that merge first
        raise Refused("merge_merged")
    now = timezone.now()
    if now > undo_deadline(entry):
        raise Refused("unmerge_late")
    restored = []
    for source_id, moved in sorted(record["moved"].items(), key=lambda item: int(item[0])):
        source = locked[int(source_id)]
        entries = list(TicketEntry.objects.filter(id__in=moved["entries"], ticket=target))
        for moved_entry in entries:
            moved_entry.ticket = source
            moved_entry.data.pop("merged_from", None)
        TicketEntry.objects.bulk_update(entries, ["ticket", "data"])
        _put_back(source, moved["before"], actor, now)
        restored.append(source)
    TicketFollower.objects.filter(ticket=target, user_id__in=record["followers"]).delete()
    entry.data = {**entry.data, "merge": {**record, "undone": True}}
    entry.save(update_fields=["data"])
    undone = {"sources": record["sources"], "into": target.number, "undo": True}
    for ticket in [target, *restored]:
        event(ticket, Kind.EDIT, actor, data={"merge": undone}, now=now)
    refresh_search([target.id, *(s.id for s in restored)])
    return restored


def _put_back(source: Ticket, before: dict, actor: User, now) -> None:
    old = source.status
    workflow.undo_merge(source, before["status"])
    for field in KEPT_FIELDS[1:-1]:
        setattr(source, field, parse_datetime(before[field]) if before[field] else None)
    source.progress_label_id = before["progress_label_id"]
    source.merged_into = None
    source.updated_at = now
    save(source, "merged_into")
    if old != source.status:
        event(source, Kind.STATUS, actor, public=True, now=now,
              data={"from": old, "to": source.status, "action": "unmerge"})  # fmt: skip
