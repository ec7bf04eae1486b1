"""Two-factor sign-in: a TOTP authenticator app, and ten recovery codes for when it is lost.

The devices are django-otp's (otp_totp, otp_static): it holds the secrets, checks the codes,
refuses a code used before and slows down guessing on each device. Every write here is a
service (STYLE rule 1); each change is written to the security log and mailed to the person.
"""

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import kept, ratelimit

from .. import security_log
from ..emails import queue_notice_email
from ..models import SecurityEvent, SecurityPolicy, User

RECOVERY_CODES = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


class TwoFactorThrottled(Exception):
    """Too many wrong codes for this person in the last LOGIN_FAILURE_WINDOW_SECONDS."""


class TwoFactorRequired(Exception):
    """Staff may not turn two-factor sign-in off while the policy requires it."""


def staff_must_use_two_factor() -> bool:
    """The administrators' choice (SecurityPolicy), read from the kept tables: no query."""
    policy = next(iter(kept.table(SecurityPolicy).values()), None)
    return policy is not None and policy.require_staff_two_factor


def is_required_for(user: User) -> bool:
    return user.is_agent and staff_must_use_two_factor()


def authenticator_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user: User) -> TOTPDevice | None:
    """The authenticator being set up: shown as a QR code until a first code confirms it."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_NAME).count()


def normalize_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def begin_setup(*, actor: User) -> TOTPDevice:
    """A new secret for `actor`'s authenticator, unconfirmed (so not asked at sign-in) until
    `confirm_setup`; an earlier unfinished set-up is dropped."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def confirm_setup(*, actor: User, code: str, request=None) -> list[str] | None:
    """Turn two-factor sign-in on once a code from the app matches the pending secret.

    Returns the new recovery codes (to show once), or None when the code is wrong. Mails the
    person and writes the security log.
    """
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=actor, confirmed=False)
        .order_by("-id")
        .first()
    )
    if device is None:
        return None
    _refuse_if_throttled(actor)
    if not device.verify_token(normalize_code(code)):
        _count_failure(actor)
        return None
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(actor)
    security_log.record(SecurityEvent.Kind.TWO_FACTOR_ENABLED, user=actor, request=request)
    queue_notice_email(actor, "two_factor_on")
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, actor: User, request=None) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    codes = _new_recovery_codes(actor)
    security_log.record(SecurityEvent.Kind.RECOVERY_CODES_REGENERATED, user=actor,
                        request=request)  # fmt: skip
    return codes


@transaction.atomic
def turn_off(*, actor: User, request=None) -> None:
    """Remove the authenticator and the recovery codes; the caller checked a code or the
    password. Refused for staff while the policy requires two-factor sign-in."""
    if is_required_for(actor):
        raise TwoFactorRequired
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    security_log.record(SecurityEvent.Kind.TWO_FACTOR_DISABLED, user=actor, request=request)
    queue_notice_email(actor, "two_factor_off")


@transaction.atomic
def reset_two_factor(*, actor: User, user: User, request=None) -> bool:
    """An administrator removes a person's second factor (a lost phone, no recovery codes
    left): the person signs in with the password and, if staff under the policy, sets it up
    again. Mailed to the person and logged with the administrator. False if it was off."""
    if not actor.is_administrator:
        raise PermissionError("only administrators reset two-factor sign-in")
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    deleted += StaticDevice.objects.filter(user=user).delete()[0]
    if not deleted:
        return False
    security_log.record(SecurityEvent.Kind.TWO_FACTOR_DISABLED, user=user, actor=actor,
                        request=request, by_administrator=True)  # fmt: skip
    queue_notice_email(user, "two_factor_off")
    return True


def verify_second_factor(*, user: User, code: str, request=None):
    """The device that accepts `code` (the app's code, or a recovery code, which is then used
    up), or None. Wrong codes are counted per person (fail="local" as log-ins are) and
    logged; past the limit TwoFactorThrottled is raised before any code is tried."""
    _refuse_if_throttled(user, request=request)
    code = normalize_code(code)
    candidates = [authenticator_of(user)]
    if not code.isdigit():  # recovery codes have letters; an app's code never does
        candidates = [StaticDevice.objects.filter(user=user, name=RECOVERY_NAME).first()]
    for device in candidates:
        if device is not None and code and verify_token(user, device.persistent_id, code):
            ratelimit.reset("two-factor", str(user.id))
            return device
    _count_failure(user)
    security_log.record(SecurityEvent.Kind.TWO_FACTOR_FAILED, user=user, request=request)
    return None


def check_password_or_code(*, user: User, secret: str, request=None) -> bool:
    """What turning two-factor off or renewing codes asks for: the password, or a code."""
    if secret and user.check_password(secret):
        return True
    return verify_second_factor(user=user, code=secret, request=request) is not None


def _refuse_if_throttled(user: User, *, request=None) -> None:
    failures = ratelimit.count("two-factor", str(user.id), fail="local")
    if failures >= settings.TWO_FACTOR_FAILURES_PER_ACCOUNT:
        security_log.record(SecurityEvent.Kind.LOCKOUT, user=user, request=request,
                            step="two-factor")  # fmt: skip
        raise TwoFactorThrottled


def _count_failure(user: User) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    ratelimit.hit("two-factor", str(user.id), window=window, fail="local")


def _new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes
