"""Report periods: presets and custom ranges as whole days in the site's time zone."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PRESETS = [
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("this_quarter", _("This quarter")),
    ("year", _("Last 12 months")),
    ("custom", _("Custom range")),
]
DEFAULT_PRESET = "30d"
# A custom range is at most two years: the day series stay drawable.
MAX_DAYS = 731


@dataclass(frozen=True)
class Period:
    """From the first day to the last, both included, in the site's time zone."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return _midnight(self.first)

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive)."""
        return _midnight(self.last + timedelta(days=1))

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        last = self.first - timedelta(days=1)
        return Period(last - timedelta(days=self.days - 1), last)

    def day_list(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def today() -> date:
    return timezone.localdate()


def preset_period(name: str, *, on: date | None = None) -> Period:
    day = on or today()
    if name == "7d":
        return Period(day - timedelta(days=6), day)
    if name == "this_month":
        return Period(day.replace(day=1), day)
    if name == "last_month":
        last = day.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if name == "this_quarter":
        month = 3 * ((day.month - 1) // 3) + 1
        return Period(day.replace(month=month, day=1), day)
    if name == "year":
        return Period(day - timedelta(days=364), day)
    return Period(day - timedelta(days=29), day)
