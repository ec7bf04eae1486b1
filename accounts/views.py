from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.ratelimit import client_ip
from core.sessions import drop_grants

from . import devices, services
from .forms import LanguageForm, LoginForm, PasswordResetRequestForm, ProfileForm, SignUpForm
from .landing import landing_url
from .models import User
from .tokens import email_confirmation_token
from .twofactor import services as two_factor
from .twofactor.views import start_pending_login


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.sign_up(
                full_name=data["full_name"],
                email=data["email"],
                password=data["password1"],
                language=get_language(),
                ip=client_ip(request),
            )
        except services.SignUpThrottled:
            form.add_error(None, _("Too many sign-ups from your network. Try again in an hour."))
        else:
            request.session["signup_email"] = data["email"]
            return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request):
    return render(
        request, "accounts/signup_done.html", {"email": request.session.get("signup_email", "")}
    )


def confirm_email(request, uidb64, token):
    user = _user_from_uid(uidb64)
    if user is None or not email_confirmation_token.check_token(user, token):
        return render(request, "accounts/confirm_email_invalid.html", status=400)
    services.confirm_email(user=user)
    drop_grants(request.session)
    login(request, user, backend="accounts.backends.EmailBackend")
    messages.success(request, _("Your address is confirmed. Welcome!"))
    return _with_language_cookie(redirect("home"), _log_in_language(user))


def _user_from_uid(uidb64):
    try:
        return User.objects.filter(id=int(force_str(urlsafe_base64_decode(uidb64)))).first()
    except (TypeError, ValueError, OverflowError):
        return None


def _log_in_language(user) -> str:
    # The browser's language (LocaleMiddleware's choice) for a person who never chose one: an
    # account left blank never switches a Portuguese browser to English.
    return services.adopt_browser_language(actor=user, language=get_language())


def _with_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user)

    def form_valid(self, form):
        user = form.get_user()
        drop_grants(self.request.session)
        if two_factor.has_two_factor(user):
            # Not logged in yet: the session only remembers who gave the right password.
            start_pending_login(self.request, user)
            next_page = self.get_redirect_url()
            query = f"?{urlencode({'next': next_page})}" if next_page else ""
            return redirect(reverse("accounts:login_code") + query)
        response = super().form_valid(form)
        devices.remember(response, self.request.COOKIES.get(devices.COOKIE), user.email)
        return _with_language_cookie(response, _log_in_language(user))


class LogoutView(auth_views.LogoutView):
    pass  # log-out flushes the session: a guest's grants (core.sessions) go with it


def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Past the limit the answer is the same, but no more mail leaves for anyone.
        services.request_password_reset(
            email=form.cleaned_data["email"], ip=client_ip(request), request=request
        )
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Following a link sent to the address proves the person owns it.
        services.confirm_email(user=form.user)
        services.password_changed(user=form.user, request=self.request, by_reset=True)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user, request=self.request)
        return response


@login_required
def profile(request):
    user = request.user
    initial = {
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language or get_language(),
        "email_notifications": user.email_notifications,
    }
    form = ProfileForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(actor=user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return _with_language_cookie(redirect("accounts:profile"), user.language)
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def set_language(request):
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    if not target.startswith("/") and "://" not in target:
        # Not a path ("profile", say): redirect() would take it for a view's name.
        message = _("The page to return to must be a page of this site, such as /tickets/.")
        return render(request, "core/refused.html", {"message": message}, status=400)
    if not form.is_valid():
        return redirect(target)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.set_language(actor=request.user, language=language)
    return _with_language_cookie(redirect(target), language)
