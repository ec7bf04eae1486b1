import re
import time

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.ratelimit import client_ip

from . import devices, security_log, services
from .models import Organization, SecurityEvent, User, language_choices, normalize_email
from .phones import clean_phone


def _email_field(label):
    return forms.EmailField(
        label=label,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def _password_field(label, *, autocomplete="new-password", help_text=""):
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        help_text=help_text,
    )


class SignUpForm(forms.Form):
    """Sign-up exactly as S0: full name, e-mail twice, password twice."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    email = _email_field(_("E-mail"))
    email_confirmation = _email_field(_("E-mail again"))
    password1 = _password_field(
        _("Password"), help_text=password_validation.password_validators_help_text_html()
    )
    password2 = _password_field(_("Password again"))

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Enter your full name."), code="required")
        return name

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])

    def clean_email_confirmation(self):
        return normalize_email(self.cleaned_data["email_confirmation"])

    def clean(self):
        data = super().clean()
        email, again = data.get("email"), data.get("email_confirmation")
        if email and again and email != again:
            self.add_error("email_confirmation", _("The two e-mail addresses differ."))
        password, repeat = data.get("password1"), data.get("password2")
        if password and repeat and password != repeat:
            self.add_error("password2", _("The two passwords differ."))
        elif password:
            candidate = User(email=email or "", full_name=data.get("full_name") or "")
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class LoginForm(AuthenticationForm):
    """E-mail and password, with failed attempts counted per e-mail and per address."""

    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "Enter a correct e-mail and password. If you have just signed up, follow the "
            "link we sent to confirm your address first."
        ),
        "inactive": _("This account is inactive."),
        "throttled": _("Too many failed attempts. Wait %(minutes)s minutes and try again."),
    }

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        known = devices.is_known(self.request.COOKIES.get(devices.COOKIE), email)
        check = services.check_login(email=email, ip=ip, known_device=known)
        if check is services.LoginCheck.REFUSED:
            security_log.record(SecurityEvent.Kind.LOCKOUT, email=email, request=self.request,
                                step="password")  # fmt: skip
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        if check is services.LoginCheck.SLOWED:
            time.sleep(settings.LOGIN_KNOWN_DEVICE_DELAY_SECONDS)
        try:
            data = super().clean()
        except ValidationError:
            services.record_failed_login(email=email, ip=ip)
            raise
        services.clear_failed_logins(email=email, ip=ip)
        return data


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class ProfileForm(forms.Form):
    """What a person may change about themselves (S2); the e-mail is their login and stays."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone / WhatsApp"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    email_notifications = forms.BooleanField(
        label=_("E-mail me about tickets assigned to me and answers to my escalations"),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_agent:
            del self.fields["email_notifications"]

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Enter your full name."), code="required")
        return name

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=language_choices)
    next = forms.CharField(required=False)


class PersonChecks:
    """The checks of a person's address and master flag, shared by the administration's form
    and `PersonForm` (one wording of each refusal)."""

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        others = User.objects.filter(email=email).exclude(id=self.instance.id)
        if others.exists():
            raise ValidationError(_("Another person already uses this e-mail."))
        return email

    def clean(self):
        data = super().clean()
        if data.get("is_master") and not data.get("organization"):
            self.add_error("is_master", _("A master user must belong to an organization."))
        return data


class PersonForm(PersonChecks, forms.ModelForm):
    """A customer as an administrator adds or changes them outside the administration (the
    API): it only validates; `services.create_person` / `update_person` write."""

    class Meta:
        model = User
        fields = ["email", "full_name", "phone", "language", "organization", "is_master"]

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Enter the full name."), code="required")
        return name

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


# Letters, digits and hyphens in dot-separated labels (an internationalized domain in its
# ASCII, "xn--", form): what the lower-case constraint and an address's domain compare alike.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")


class OrganizationForm(forms.ModelForm):
    """An organization, in the administration and the API alike; it only validates there."""

    class Meta:
        model = Organization
        fields = ["name", "email_domain"]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_email_domain(self):
        domain = self.cleaned_data["email_domain"].strip().lstrip("@").lower()
        if domain and not DOMAIN.fullmatch(domain):
            raise ValidationError(_("Enter a domain such as example.com."), code="invalid")
        others = Organization.objects.filter(email_domain=domain).exclude(id=self.instance.id)
        if domain and others.exists():
            raise ValidationError(_("Another organization already has this e-mail domain."))
        return domain
