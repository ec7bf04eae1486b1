from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services


def _code_field(label, help_text=""):
    return forms.CharField(
        label=label,
        max_length=64,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
    )


class _PersonForm(forms.Form):
    """A form checked against a person's devices (and, for some, their password)."""

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        self.device = None

    def _throttled(self):
        return ValidationError(
            _("Too many wrong codes. Wait %(minutes)s minutes and try again."),
            code="throttled",
            params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
        )


class LoginCodeForm(_PersonForm):
    """The step after the password: a code from the app, or one recovery code."""

    code = _code_field(
        _("Code"), _("The 6 digits your authenticator app shows, or one of your recovery codes.")
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        try:
            self.device = services.verify_second_factor(user=self.user, code=code,
                                                        request=self.request)  # fmt: skip
        except services.TwoFactorThrottled:
            raise self._throttled() from None
        if self.device is None:
            raise ValidationError(_("This code is not right, or it was used already."),
                                  code="invalid")  # fmt: skip
        return code


class ConfirmSetupForm(_PersonForm):
    code = _code_field(_("Code from the app"), _("The 6 digits the app shows for this account."))

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not services.normalize_code(code).isdigit():
            raise ValidationError(_("Enter the 6 digits the app shows."), code="invalid")
        return code


class PasswordOrCodeForm(_PersonForm):
    """Turning two-factor off or renewing the recovery codes: the password, or a code."""

    secret = forms.CharField(
        label=_("Your password, or a code from the app"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_secret(self):
        secret = self.cleaned_data["secret"]
        try:
            accepted = services.check_password_or_code(user=self.user, secret=secret,
                                                       request=self.request)  # fmt: skip
        except services.TwoFactorThrottled:
            raise self._throttled() from None
        if not accepted:
            raise ValidationError(_("This is neither your password nor a valid code."),
                                  code="invalid")  # fmt: skip
        return secret
