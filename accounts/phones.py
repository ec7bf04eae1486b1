"""The one check of a phone or WhatsApp number, for the profile and the guest ticket form."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_CHARACTERS = frozenset("0123456789+-() .")


def clean_phone(value: str) -> str:
    """`value` stripped; at least 8 digits and nothing but digits, spaces and + - ( ) ."""
    phone = (value or "").strip()
    digits = [c for c in phone if c.isdigit()]
    if phone and (len(digits) < 8 or any(c not in PHONE_CHARACTERS for c in phone)):
        raise ValidationError(
            _("Enter a phone number with its area code, such as +55 11 91234-5678."),
            code="invalid",
        )
    return phone
