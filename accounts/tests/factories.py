import factory
from django.utils import timezone

from accounts.models import DepartmentMembership, Organization, User


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Organization {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A confirmed person who can log in with `password` (default "correct-horse-battery")."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name", locale="pt_BR")  # the product's people are Brazilian
    email_confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "correct-horse-battery")
        if create:
            self.save(update_fields=["password"])


class CustomerFactory(UserFactory):
    role = User.Role.CUSTOMER


class AgentFactory(UserFactory):
    role = User.Role.AGENT

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        for department in extracted or []:
            DepartmentMembership.objects.create(user=self, department=department)

    @factory.post_generation
    def managed(self, create, extracted, **kwargs):
        for department in extracted or []:
            DepartmentMembership.objects.update_or_create(
                user=self, department=department, defaults={"is_manager": True}
            )


class AdministratorFactory(UserFactory):
    role = User.Role.ADMINISTRATOR
