"""Words of Django's own catalogue that Brazilian Portuguese writes otherwise.

Django's pt_BR capitalises the months and weekdays ("3 de Dezembro", "Quinta-feira"), drops
the accent of "sáb" and writes "email". Our catalogue (LOCALE_PATHS) is read before Django's,
so the same message ids translated there win; they are listed here so that `makemessages`
keeps them. Nothing imports this module: it is read by xgettext only.
"""

from django.utils.translation import gettext_noop

MONTHS = [
    gettext_noop("January"), gettext_noop("February"), gettext_noop("March"),
    gettext_noop("April"), gettext_noop("May"), gettext_noop("June"), gettext_noop("July"),
    gettext_noop("August"), gettext_noop("September"), gettext_noop("October"),
    gettext_noop("November"), gettext_noop("December"),
]  # fmt: skip
WEEKDAYS = [
    gettext_noop("Monday"), gettext_noop("Tuesday"), gettext_noop("Wednesday"),
    gettext_noop("Thursday"), gettext_noop("Friday"), gettext_noop("Saturday"),
    gettext_noop("Sunday"),
]  # fmt: skip
WEEKDAYS_SHORT = [
    gettext_noop("Mon"), gettext_noop("Tue"), gettext_noop("Wed"), gettext_noop("Thu"),
    gettext_noop("Fri"), gettext_noop("Sat"), gettext_noop("Sun"),
]  # fmt: skip
VALIDATION = [gettext_noop("Enter a valid email address.")]
