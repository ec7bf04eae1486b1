import factory

from tickets.models import Category, Department, Priority, Product, Severity


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
