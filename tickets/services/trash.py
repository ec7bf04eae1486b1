"""The trash (S3 §4.2): deleted tickets wait 7 days, can be restored, then are purged."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from tickets import permissions
from tickets.models import Attachment, Ticket, TicketEntry

from .common import NotAllowed, lock


def _audit(ticket: Ticket, actor: User, what: str, now) -> None:
    # An edit event (kept with the history, seen by agents only) naming the move.
    TicketEntry.objects.create(
        ticket=ticket, kind=TicketEntry.Kind.EDIT, is_public=False, author=actor,
        data={"trash": what}, created_at=now,
    )  # fmt: skip


@transaction.atomic
def trash_ticket(*, ticket: Ticket, actor: User) -> None:
    """Into the trash, where it waits TRASH_DAYS; the move is kept in its history."""
    ticket = lock(ticket)
    if not permissions.may_delete(actor, ticket):
        raise NotAllowed
    now = timezone.now()
    ticket.trashed_at = now
    ticket.trashed_by = actor
    ticket.save(update_fields=["trashed_at", "trashed_by"])
    _audit(ticket, actor, "trashed", now)


@transaction.atomic
def restore_ticket(*, ticket: Ticket, actor: User) -> None:
    """Out of the trash, as it was; the move is kept in its history."""
    ticket = Ticket.objects.select_for_update().get(id=ticket.id)
    if not permissions.trashed_tickets(actor).filter(id=ticket.id).exists():
        raise NotAllowed
    ticket.trashed_at = None
    ticket.trashed_by = None
    ticket.save(update_fields=["trashed_at", "trashed_by"])
    _audit(ticket, actor, "restored", timezone.now())


def purge_trash(*, now=None) -> int:
    """Delete tickets that have been in the trash longer than the grace period, files too."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.TRASH_DAYS)
    with transaction.atomic():
        # Chosen and locked inside the transaction: a ticket restored meanwhile no longer
        # matches (the lock waits for the restore to commit, then the filter is checked again).
        doomed = list(
            Ticket.objects.select_for_update()
            .filter(trashed_at__lt=cutoff)
            .values_list("id", flat=True)
        )
        if not doomed:
            return 0
        files = [
            (a.file.name, a.thumbnail.name)
            for a in Attachment.objects.filter(entry__ticket_id__in=doomed)
        ]
        # Escalations outlive their parent as ordinary internal tickets.
        Ticket.objects.filter(parent_id__in=doomed).update(parent=None)
        Ticket.objects.filter(id__in=doomed).delete()
        transaction.on_commit(lambda: _delete_files(files))
    return len(doomed)


def _delete_files(names) -> None:
    from django.core.files.storage import default_storage

    for file_name, thumbnail_name in names:
        for name in (file_name, thumbnail_name):
            if name:
                default_storage.delete(name)
