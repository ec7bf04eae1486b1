"""The people and departments the inbound mail tests write as and to."""

import pytest

from accounts.tests.factories import CustomerFactory
from tickets.tests.factories import DepartmentFactory


@pytest.fixture
def support(db):
    return DepartmentFactory(name="Support", email="support@helpdesk.example")


@pytest.fixture
def billing(db):
    return DepartmentFactory(name="Billing", email="billing@helpdesk.example")


@pytest.fixture
def joao(support):
    return CustomerFactory(email="joao@empresa.example", full_name="João Pereira")
