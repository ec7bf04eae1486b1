import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken

from accounts.twofactor import services


def code_for(device, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for `device` now (or a step later: django-otp
    refuses a code of a step already used, and accepts one step of drift)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def turn_on(user) -> list[str]:
    """Two-factor sign-in on for `user`, as the set-up page does; returns the recovery codes."""
    device = services.begin_setup(actor=user)
    codes = services.confirm_setup(actor=user, code=code_for(device))
    assert codes is not None
    return codes


def recovery_codes_of(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
