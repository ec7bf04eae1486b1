"""Proof that a received mail comes from whom it claims: per-conversation reply addresses
carrying a MAC, and the sender's address checked before it is used.

Every mail about a conversation (a ticket, by its number) names `reply_address()` as its
Reply-To: `support+<number>.<mac>@domain`, plus addressing on the support address, where the
MAC is an HMAC of the number and the recipient's address, with a key derived from SECRET_KEY.
A reply sent to that address from that recipient proves the sender read our mail. Knows no
ticket: it signs and verifies tokens.
"""

import re
from email.errors import HeaderParseError
from email.headerregistry import Address

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "mail.trust.reply-address"
# 64 bits of the HMAC: far past guessing, short enough for an address's local part.
MAC_LENGTH = 16
TOKEN = re.compile(r"^[^@+\s]+\+(\d{1,12})\.([0-9a-f]{16})@")  # MAC_LENGTH hex digits


def _mac(number: int, recipient: str) -> str:
    value = f"{int(number)}:{recipient.strip().lower()}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:MAC_LENGTH]


def reply_address(number: int, recipient: str, *, base: str = "") -> str:
    """The Reply-To of a mail about conversation `number` sent to `recipient`: plus
    addressing on `base` (else INBOUND_REPLY_ADDRESS) with the number and its MAC."""
    local, _sep, domain = (base or settings.INBOUND_REPLY_ADDRESS).partition("@")
    local = local.split("+", 1)[0]
    return f"{local}+{int(number)}.{_mac(number, recipient)}@{domain}"


def signed_numbers(addresses, sender: str) -> set[int]:
    """The conversation numbers of those `addresses` that carry a valid MAC for `sender`."""
    numbers = set()
    for address in addresses:
        found = TOKEN.match(address.strip().lower())
        if found and constant_time_compare(found.group(2), _mac(int(found.group(1)), sender)):
            numbers.add(int(found.group(1)))
    return numbers


def valid_sender(name: str, address: str) -> tuple[str, str] | None:
    """(display name, address) of a From line read as (name, address), or None when the
    address is not one: an addr-spec by RFC 5322 (email.headerregistry) that Django's
    validate_email accepts. A display name with markup or control characters is dropped."""
    try:
        parsed = Address(addr_spec=address)
        validate_email(parsed.addr_spec)
    except (HeaderParseError, ValueError, IndexError, TypeError, ValidationError):
        return None
    if parsed.addr_spec != address or len(address) > 254:
        return None
    name = " ".join(name.split())
    if re.search(r"[<>\x00-\x1f\x7f]", name):
        name = ""  # markup in a name is not a name; the address part alone is used
    return name[:150], address
