import factory

from accounts.models import Department
from core import numbering
from tickets.models import Category, Priority, Product, ProgressLabel, Severity, Ticket, TicketEntry


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Department {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    name = factory.Sequence(lambda n: f"Priority {n}")
    first_response_hours = 8
    resolution_hours = 48


class SeverityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Severity

    name = factory.Sequence(lambda n: f"Severity {n}")


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket row without its opening message (use services.open_ticket for the real thing)."""

    class Meta:
        model = Ticket

    number = factory.LazyFunction(lambda: numbering.issue("ticket")[0])  # as the service's
    title = factory.Sequence(lambda n: f"Ticket {n}")
    requester = factory.SubFactory("accounts.tests.factories.CustomerFactory")
    organization = factory.LazyAttribute(lambda t: t.requester.organization)
    department = factory.SubFactory(DepartmentFactory)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketEntry

    ticket = factory.SubFactory(TicketFactory)
    kind = TicketEntry.Kind.REPLY
    is_public = True
    author = factory.LazyAttribute(lambda e: e.ticket.requester)
    body_html = "<p>Hello</p>"
    body_text = "Hello"


class ProgressLabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressLabel

    name = factory.Sequence(lambda n: f"Step {n}")
