"""Every write to accounts goes through these functions (STYLE rule 1)."""

import enum

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import capfirst

from core import ratelimit

from . import permissions, security_log
from .emails import queue_account_email, queue_notice_email
from .models import Organization, SecurityEvent, User, normalize_email


class NotAllowed(PermissionDenied):
    """The actor may not change this person or organization (accounts.permissions)."""


class SignUpThrottled(Exception):
    """Too many sign-ups from one address in the last hour."""


@transaction.atomic
def sign_up(*, full_name: str, email: str, password: str, language: str, ip: str) -> None:
    """Create an unconfirmed customer and mail them a confirmation link.

    The caller learns nothing about whether the address already had an account: its owner
    gets a mail saying so (with a way back in) instead of a second account. An existing
    account is never changed from here, confirmed or not.
    """
    if ratelimit.hit("signup", ip, window=3600) > settings.SIGNUPS_PER_ADDRESS_PER_HOUR:
        raise SignUpThrottled
    email = normalize_email(email)
    existing = User.objects.select_for_update().filter(email=email).first()
    if existing is not None:
        # The password is hashed whatever happens, so an existing address answers as slowly
        # as a new one (the hash is the request's costliest step).
        make_password(password)
    if existing is None:
        user = User.objects.create_user(
            email, password, full_name=full_name.strip(), language=language
        )
        queue_account_email(user, "confirm_email")
    elif not existing.is_email_confirmed and existing.is_active:
        # Nobody has proven they own this address yet, and whoever signs up now has not
        # either: the account is left as it is (password included) and the mailbox's owner
        # gets a link to choose a password, which also confirms the address.
        queue_account_email(existing, "password_reset")
    else:
        queue_account_email(existing, "account_exists")


@transaction.atomic
def confirm_email(*, user: User) -> None:
    """Mark the address as the person's own; the first confirmation is kept."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])


@transaction.atomic
def password_changed(*, user: User, request=None, by_reset: bool = False) -> None:
    """A new password was saved (changed, or chosen through a reset link): the security log
    notes it and the person is mailed in their language, so a change not theirs is noticed."""
    kinds = SecurityEvent.Kind
    kind = kinds.PASSWORD_RESET_DONE if by_reset else kinds.PASSWORD_CHANGED
    security_log.record(kind, user=user, request=request)
    queue_notice_email(user, "password_changed", changed_at=timezone.now())


@transaction.atomic
def request_password_reset(*, email: str, ip: str = "", request=None) -> None:
    """Mail a reset link to the active account with this address, if there is one.

    People created by agents have no password yet: the same link lets them set one, and
    following it confirms the address. Requests past the address's limit are not logged either.
    """
    window = 3600
    if ratelimit.hit("password-reset", ip, window=window) > settings.RESETS_PER_ADDRESS_PER_HOUR:
        return
    known = User.objects.filter(email=normalize_email(email)).first()
    security_log.record(SecurityEvent.Kind.PASSWORD_RESET_REQUESTED, user=known, email=email,
                        request=request)  # fmt: skip
    # Counted in the process when Redis is away (core.ratelimit): an inbox is not flooded then.
    account = normalize_email(email)
    if ratelimit.hit("password-reset-account", account, window=window, fail="local") > 3:
        return  # nobody's inbox is flooded with reset links
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if user is not None:
        queue_account_email(user, "password_reset")


@transaction.atomic
def update_profile(
    *, actor: User, full_name: str, phone: str, language: str, email_notifications=None
) -> None:
    actor.full_name = full_name.strip()
    actor.phone = phone.strip()
    actor.language = language
    fields = ["full_name", "phone", "language"]
    if email_notifications is not None and actor.is_agent:
        actor.email_notifications = email_notifications
        fields.append("email_notifications")
    actor.save(update_fields=fields)


@transaction.atomic
def adopt_browser_language(*, actor: User, language: str) -> str:
    """At log-in: a person who never chose a language takes the browser's; one who chose keeps
    theirs. Returns the person's language, for the cookie."""
    if not actor.language and language in dict(settings.LANGUAGES):
        actor.language = language
        actor.save(update_fields=["language"])
    return actor.mail_language


@transaction.atomic
def set_language(*, actor: User, language: str) -> None:
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])


# Failed log-ins are counted three ways in a window: per e-mail and client address together
# (a guesser at one account from one place), per address (one place trying many accounts) and
# per e-mail (a guesser spread over many places), the last with a much higher ceiling, since
# anyone can fail at anyone's address. An e-mail with no account is counted the same, so the
# answer is the same for both. A browser that signed in as the account before (accounts.devices)
# is never refused: past the pair's ceiling it is slowed down instead, so nobody can lock the
# owner out. When Redis is away the counts are kept in each process (fail="local", see
# core.ratelimit): failing open would give a password guesser free rein for the whole outage,
# failing closed would stop everyone signing in.


class LoginCheck(enum.Enum):
    ALLOWED = "allowed"
    SLOWED = "slowed"
    REFUSED = "refused"


def _pair(email: str, ip: str) -> str:
    return f"{normalize_email(email)} {ip}"


def check_login(*, email: str, ip: str, known_device: bool = False) -> LoginCheck:
    """Whether a log-in attempt may be tried now (before the password is checked)."""
    pair = ratelimit.count("login-pair", _pair(email, ip), fail="local")
    over = pair >= settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS
    if known_device:
        return LoginCheck.SLOWED if over else LoginCheck.ALLOWED
    if (
        over
        or ratelimit.count("login-address", ip, fail="local") >= settings.LOGIN_FAILURES_PER_ADDRESS
        or ratelimit.count("login-account", normalize_email(email), fail="local")
        >= settings.LOGIN_FAILURES_PER_ACCOUNT
    ):
        return LoginCheck.REFUSED
    return LoginCheck.ALLOWED


def record_failed_login(*, email: str, ip: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    ratelimit.hit("login-pair", _pair(email, ip), window=window, fail="local")
    ratelimit.hit("login-account", normalize_email(email), window=window, fail="local")
    ratelimit.hit("login-address", ip, window=window, fail="local")


def clear_failed_logins(*, email: str, ip: str) -> None:
    ratelimit.reset("login-pair", _pair(email, ip))
    ratelimit.reset("login-account", normalize_email(email))


@transaction.atomic
def requester_for_guest(*, full_name: str, email: str, phone: str = "", language: str) -> User:
    """The person behind a guest ticket, known by e-mail (S4); see `find_or_make_guest`."""
    return find_or_make_guest(full_name=full_name, email=email, phone=phone, language=language)[0]


@transaction.atomic
def find_or_make_guest(
    *, full_name: str, email: str, phone: str = "", language: str
) -> tuple[User, bool]:
    """The person behind a guest ticket, and whether they were made just now.

    An address seen before keeps its person (and their name); a new one becomes a customer
    without a password, whose tickets are theirs when they sign up with that address.
    """
    email = normalize_email(email)
    user = User.objects.select_for_update().filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, None, full_name=" ".join(full_name.split()), phone=phone.strip(),
            language=language,
        )  # fmt: skip
        return user, True
    if phone.strip() and not user.phone:
        user.phone = phone.strip()
        user.save(update_fields=["phone"])
    return user, False


@transaction.atomic
def create_customer(
    *, actor: User, full_name: str, email: str, organization=None, phone: str = ""
) -> User:
    """An agent adds a customer while opening a ticket for them (S3 §2.1).

    The customer has no password: a password reset link lets them in when they want.
    """
    if not actor.is_agent:
        raise PermissionError("only agents create customers")
    return User.objects.create_user(
        normalize_email(email), None, full_name=" ".join(full_name.split()),
        organization=organization, phone=phone.strip(),
    )  # fmt: skip


# People and organizations changed by an administrator outside the administration's own
# pages (the API): each change is written to the object's history as the administration
# writes it (its "History" page lists both), and a light user made master, or back, to the
# security log as the change of role it is (SPEC §1).

PERSON_FIELDS = ("full_name", "email", "phone", "language", "organization", "is_master")
ORGANIZATION_FIELDS = ("name", "email_domain")


def _history(actor: User, thing, flag: int, fields=()) -> None:
    # Field labels untranslated, as the administration writes them (each reader's language
    # translates them on the history page).
    with translation.override(None):
        labels = [capfirst(str(thing._meta.get_field(name).verbose_name)) for name in fields]
    message = [{"added": {}}] if flag == ADDITION else [{"changed": {"fields": labels}}]
    LogEntry.objects.log_actions(
        user_id=actor.id, queryset=[thing], action_flag=flag, change_message=message,
        single_object=True,
    )  # fmt: skip


def _master_changed(person: User, actor: User, request, *, was_master: bool) -> None:
    security_log.record(
        SecurityEvent.Kind.ROLE_CHANGED, user=person, actor=actor, request=request,
        previous="master" if was_master else "light",
        role="master" if person.is_master else "light",
    )  # fmt: skip


@transaction.atomic
def create_person(
    *, actor: User, full_name: str, email: str, organization: Organization | None = None,
    is_master: bool = False, phone: str = "", language: str = "", request=None,
) -> User:  # fmt: skip
    """An administrator adds a customer: a light user, or the master user of an organization.

    The person has no password: a password reset link lets them in when they want."""
    if not permissions.may_manage_people(actor):
        raise NotAllowed
    person = User.objects.create_user(
        normalize_email(email), None, full_name=" ".join(full_name.split()),
        organization=organization, is_master=is_master, phone=phone.strip(), language=language,
    )  # fmt: skip
    _history(actor, person, ADDITION)
    if is_master:
        _master_changed(person, actor, request, was_master=False)
    return person


@transaction.atomic
def update_person(*, actor: User, person: User, request=None, **values) -> User:
    """An administrator changes a customer's `PERSON_FIELDS` (those given); returns them."""
    person = User.objects.select_for_update().get(id=person.id)
    if not permissions.may_change_person(actor, person):
        raise NotAllowed
    if "email" in values:
        values["email"] = normalize_email(values["email"])
    if "full_name" in values:
        values["full_name"] = " ".join(values["full_name"].split())
    was_master = person.is_master
    changed = [
        name for name in PERSON_FIELDS if name in values and getattr(person, name) != values[name]
    ]
    if not changed:
        return person
    for name in changed:
        setattr(person, name, values[name])
    person.save(update_fields=changed)
    _history(actor, person, CHANGE, changed)
    if person.is_master != was_master:
        _master_changed(person, actor, request, was_master=was_master)
    return person


@transaction.atomic
def deactivate_person(*, actor: User, person: User) -> User:
    """An administrator deactivates a customer: they can no longer sign in, their sessions
    and API tokens stop working at their next request; their tickets stay. Idempotent."""
    person = User.objects.select_for_update().get(id=person.id)
    if not permissions.may_change_person(actor, person):
        raise NotAllowed
    if person.is_active:
        person.is_active = False
        person.save(update_fields=["is_active"])
        _history(actor, person, CHANGE, ["is_active"])
    return person


@transaction.atomic
def create_organization(*, actor: User, name: str, email_domain: str = "") -> Organization:
    """An administrator adds an organization (its members are added as people)."""
    if not permissions.may_manage_people(actor):
        raise NotAllowed
    organization = Organization.objects.create(name=name.strip(),
                                               email_domain=email_domain)  # fmt: skip
    _history(actor, organization, ADDITION)
    return organization


@transaction.atomic
def update_organization(*, actor: User, organization: Organization, **values) -> Organization:
    """An administrator renames an organization or changes its e-mail domain (those given)."""
    if not permissions.may_manage_people(actor):
        raise NotAllowed
    organization = Organization.objects.select_for_update().get(id=organization.id)
    changed = [
        name
        for name in ORGANIZATION_FIELDS
        if name in values and getattr(organization, name) != values[name]
    ]
    if changed:
        for name in changed:
            setattr(organization, name, values[name])
        organization.save(update_fields=changed)
        _history(actor, organization, CHANGE, changed)
    return organization
