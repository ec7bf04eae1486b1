"""The Jinja2 engine of the hot fragments (core.jinja): its `date` filter writes Django's text."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.defaultfilters import date as django_date
from django.utils import translation

from core.jinja import fast_date

FORMATS = [None, "SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT",
           "DATE_FORMAT", "d/m/Y H:i", r"j \d\e F \à\s G\hi", "D, d M y P e O T U"]  # fmt: skip
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
# Midnight, noon, morning and afternoon (the English "P" names the first two), each month.
MOMENTS = [
    datetime(2026, month, 1 + month, hour, minute, 5, tzinfo=SAO_PAULO)
    for month in range(1, 13)
    for hour, minute in ((0, 0), (12, 0), (9, 7), (23, 59), (15, 0))
] + [datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC), datetime(999, 1, 2, 3, 4)]


@pytest.mark.parametrize("language", ["en", "pt-br"])
@pytest.mark.parametrize("name", FORMATS)
def test_date_filter_writes_what_djangos_writes(language, name):
    with translation.override(language):
        for moment in MOMENTS:
            assert fast_date(moment, name) == django_date(moment, name)


def test_date_filter_takes_dates_and_nothing_as_django_does():
    with translation.override("pt-br"):
        assert fast_date(date(2026, 5, 17), "SHORT_DATE_FORMAT") == "17/05/2026"
        assert fast_date(None, "SHORT_DATE_FORMAT") == ""
        assert fast_date("", "SHORT_DATE_FORMAT") == ""
        assert fast_date(datetime(2026, 5, 17, 8, 30) + timedelta(0), "SHORT_DATETIME_FORMAT") == (
            "17/05/2026 08:30"
        )
