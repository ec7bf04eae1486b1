import pytest
from django.db import connection

from core import numbering
from core.models import NumberSeries


@pytest.mark.parametrize("size", [1, 2, 9, 900, 9000, 90_001])
def test_the_permutation_gives_every_number_of_its_range_once(size):
    permuted = [numbering.permute(index, size, key="k") for index in range(size)]
    assert sorted(permuted) == list(range(size))


def test_the_permutation_depends_on_the_key():
    first = [numbering.permute(index, 9000, key="one") for index in range(20)]
    assert first != [numbering.permute(index, 9000, key="two") for index in range(20)]
    assert first != list(range(20))


def test_numbers_grow_one_digit_when_a_width_is_used_up():
    assert len(str(numbering.number_for(0, key="k", first_width=6))) == 6
    assert len(str(numbering.number_for(899_999, key="k", first_width=6))) == 6
    assert len(str(numbering.number_for(900_000, key="k", first_width=6))) == 7
    assert len(str(numbering.number_for(9_899_999, key="k", first_width=6))) == 7
    # Ten million tickets and beyond: eight digits, still inside a 32-bit integer.
    assert len(str(numbering.number_for(9_900_000, key="k", first_width=6))) == 8
    assert numbering.number_for(99_899_999, key="k", first_width=6) < 2**31
    assert len(str(numbering.number_for(0, key="k", first_width=7))) == 7


@pytest.mark.django_db
def test_a_series_issues_each_number_once_one_query_for_one(django_assert_num_queries):
    numbering.create_series("test", first_width=6)
    with django_assert_num_queries(1):
        (one,) = numbering.issue("test")
    many = numbering.issue("test", 500)
    assert len({one, *many}) == 501
    assert all(100000 <= number <= 999999 for number in many)


@pytest.mark.django_db
def test_the_series_keeps_its_key_whatever_the_secret_key(settings):
    numbering.create_series("test", first_width=6)
    key = NumberSeries.objects.get(name="test").key
    settings.SECRET_KEY = "another" * 10
    numbering.create_series("test", first_width=6)  # as a migration run again would
    assert NumberSeries.objects.get(name="test").key == key


@pytest.mark.django_db
def test_a_series_whose_row_is_gone_is_made_again():
    NumberSeries.objects.filter(name="ticket").delete()
    first, second = numbering.issue("ticket"), numbering.issue("ticket")
    assert first != second
    assert NumberSeries.objects.filter(name="ticket").exists()


@pytest.mark.django_db
def test_on_postgresql_numbers_come_from_a_sequence(require_postgres):
    numbering.create_series("test", first_width=6)
    numbering.issue("test", 3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM core_numberseries_test")
        assert cursor.fetchone()[0] == 2
    assert NumberSeries.objects.get(name="test").issued == 0  # no row to wait on


@pytest.mark.django_db
def test_ten_thousand_numbers_are_distinct_without_a_retry(django_assert_num_queries):
    numbering.create_series("test", first_width=6)
    # One query per number asked, whatever came before: nothing is checked, nothing redrawn.
    with django_assert_num_queries(1):
        issued = [numbering.issue("test")[0] for _ in range(1)]
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 1):
        issued += numbering.issue("test", 9_999)
    assert len(set(issued)) == 10_000
    assert all(100000 <= number <= 999999 for number in issued)
