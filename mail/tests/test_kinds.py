from pathlib import Path

from django.conf import settings
from django.utils import translation

from mail.rendering import kind_label

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"
KINDS = sorted(
    str(subject.parent.relative_to(EMAILS)) for subject in EMAILS.glob("*/*/subject.txt")
)


def test_every_kind_of_mail_has_a_name_in_each_language():
    assert "tickets/ticket_opened" in KINDS
    for name in KINDS:
        with translation.override("en"):
            english = kind_label(name)
        with translation.override("pt-br"):
            portuguese = kind_label(name)
        assert english != name, f"{name} has no kind.txt"
        assert portuguese != english, f"{name}: “{english}” is not translated"


def test_a_kind_of_mail_no_longer_written_is_named_by_its_template():
    assert kind_label("tickets/gone_since") == "tickets/gone_since"
