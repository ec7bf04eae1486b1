"""The two-factor pages: the step after the password, and set-up in the person's profile."""

import io
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from .. import devices
from .. import services as account_services
from ..landing import landing_url
from ..models import User
from . import services
from .forms import ConfirmSetupForm, LoginCodeForm, PasswordOrCodeForm

PENDING = "two_factor_pending"
NEW_CODES = "two_factor_new_codes"
# The password step is good for this long; then the person starts again.
PENDING_SECONDS = 300


def start_pending_login(request, user) -> None:
    """The password was right and the person has a second factor: remember them in the
    session, not yet logged in, until `login_code` is given a code."""
    request.session[PENDING] = {"user": user.id, "backend": user.backend, "at": time.time()}


def _pending_user(request):
    pending = request.session.get(PENDING) or {}
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, ""
    user = User.objects.filter(id=pending.get("user"), is_active=True).first()
    return user, pending.get("backend", "")


def _next_url(request, user) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path only: redirect() takes anything else ("0", say) for a view's name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return landing_url(user)


@never_cache
def login_code(request):
    """The step after the password (or, for a session signed in without it, a check now)."""
    if request.user.is_authenticated:
        user, backend = request.user, ""
        if request.user.is_verified() or not services.has_two_factor(user):
            return redirect(_next_url(request, user))
    else:
        user, backend = _pending_user(request)
        if user is None:
            messages.info(request, _("Sign in again, please: the code step timed out."))
            return redirect("accounts:login")
    form = LoginCodeForm(request.POST or None, user=user, request=request)
    if request.method == "POST" and form.is_valid():
        request.session.pop(PENDING, None)
        if not request.user.is_authenticated:
            # Read by the security log when user_logged_in is sent.
            request.second_factor = "recovery" if form.device.name == services.RECOVERY_NAME \
                else "authenticator"  # fmt: skip
            login(request, user, backend=backend)
        otp_login(request, form.device)
        if form.device.name == services.RECOVERY_NAME:
            left = services.recovery_codes_left(user)
            messages.warning(request, _("You used a recovery code; %(left)s are left. Renew "
                                        "them in your profile.") % {"left": left})  # fmt: skip
        response = redirect(_next_url(request, user))
        # A browser that passed both steps is known to the account, as after a password alone.
        devices.remember(response, request.COOKIES.get(devices.COOKIE), user.email)
        language = account_services.adopt_browser_language(actor=user, language=get_language())
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                            max_age=settings.LANGUAGE_COOKIE_AGE,
                            secure=settings.LANGUAGE_COOKIE_SECURE,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE)  # fmt: skip
        return response
    context = {"form": form, "next": _next_url(request, user)}
    return render(request, "accounts/login_code.html", context)


@login_required
@never_cache
def two_factor(request):
    """The profile's two-factor page: on or off, and what can be done about it."""
    user = request.user
    context = {
        "enabled": services.has_two_factor(user),
        "required": services.is_required_for(user),
        "codes_left": services.recovery_codes_left(user),
        "form": PasswordOrCodeForm(user=user, request=request),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
@never_cache
def two_factor_setup(request):
    """Scan the QR code (or type the secret), then confirm with the app's first code."""
    user = request.user
    if request.method == "POST" and "start" in request.POST:
        services.begin_setup(actor=user)
        return redirect("accounts:two_factor_setup")
    device = services.pending_authenticator(user)
    if device is None:
        return redirect("accounts:two_factor")
    form = ConfirmSetupForm(request.POST or None, user=user, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_setup(actor=user, code=form.cleaned_data["code"],
                                           request=request)  # fmt: skip
        except services.TwoFactorThrottled:
            codes = None
            form.add_error("code", form._throttled())
        else:
            if codes is None:
                form.add_error("code", _("This code is not right. Check the clock of your "
                                         "phone and try the next one."))  # fmt: skip
        if codes is not None:
            otp_login(request, services.authenticator_of(user))
            request.session[NEW_CODES] = codes
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("accounts:two_factor_codes")
    context = {"form": form, "secret": services.secret_text(device)}
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@never_cache
def two_factor_qr(request):
    """The pending secret as a QR code, an SVG image served by us (no inline script)."""
    device = services.pending_authenticator(request.user)
    if device is None:
        raise Http404
    svg = io.BytesIO()
    # A file of its own (not inline markup) needs the SVG namespace, which svg_inline omits.
    segno.make(device.config_url, error="m").save(svg, kind="svg", scale=5, border=2)
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


@login_required
@never_cache
def two_factor_codes(request):
    """The recovery codes just made, shown this once."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("accounts:two_factor")
    return render(request, "accounts/two_factor_codes.html", {"codes": codes})


@login_required
@require_POST
def two_factor_manage(request):
    """Renew the recovery codes or turn two-factor off: asks for the password or a code."""
    user = request.user
    form = PasswordOrCodeForm(request.POST, user=user, request=request)
    action = request.POST.get("action")
    if action not in ("codes", "off") or not services.has_two_factor(user):
        return redirect("accounts:two_factor")
    if form.is_valid():
        if action == "codes":
            request.session[NEW_CODES] = services.regenerate_recovery_codes(
                actor=user, request=request
            )
            return redirect("accounts:two_factor_codes")
        try:
            services.turn_off(actor=user, request=request)
        except services.TwoFactorRequired:
            messages.error(request, _("Two-factor sign-in is required for staff: it cannot be "
                                      "turned off."))  # fmt: skip
        else:
            messages.success(request, _("Two-factor sign-in is off."))
        return redirect("accounts:two_factor")
    context = {"enabled": True, "required": services.is_required_for(user), "form": form,
               "codes_left": services.recovery_codes_left(user)}  # fmt: skip
    return render(request, "accounts/two_factor.html", context)
