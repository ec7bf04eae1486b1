import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from tickets.tests.factories import CategoryFactory, DepartmentFactory, PriorityFactory

pytestmark = pytest.mark.django_db


def test_configuration_names_follow_the_active_language():
    department = DepartmentFactory(name="Support", name_pt_br="Suporte")
    with translation.override("pt-br"):
        assert str(department) == "Suporte"
    with translation.override("en"):
        assert str(department) == "Support"


def test_a_missing_portuguese_name_falls_back_to_english():
    department = DepartmentFactory(name="Support", name_pt_br="")
    with translation.override("pt-br"):
        assert str(department) == "Support"


def test_category_names_are_unique_within_a_department_and_among_global_ones():
    support = DepartmentFactory(name="Support")
    billing = DepartmentFactory(name="Billing")
    CategoryFactory(name="Question", department=support)
    CategoryFactory(name="Question", department=billing)
    CategoryFactory(name="Question", department=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CategoryFactory(name="Question", department=support)
    with pytest.raises(IntegrityError), transaction.atomic():
        CategoryFactory(name="Question", department=None)


def test_only_one_priority_is_the_default():
    PriorityFactory(name="Normal", is_default=True)
    PriorityFactory(name="Low", is_default=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityFactory(name="High", is_default=True)


def test_department_addresses_are_unique_but_may_be_blank():
    DepartmentFactory(name="A", email="")
    DepartmentFactory(name="B", email="")
    DepartmentFactory(name="C", email="c@helpdesk.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        DepartmentFactory(name="D", email="c@helpdesk.example")
