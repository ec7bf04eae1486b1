from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Aggregate, Case, CharField, F, IntegerField, OuterRef, Subquery, When
from django.db.models.functions import Cast

from .models import DepartmentMembership


class EmailBackend(ModelBackend):
    """Log in with e-mail and password, once the address has been confirmed."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.is_email_confirmed

    def get_user(self, user_id):
        """The person of the session, with their departments (what the permission gates ask
        on every page) in the same query."""
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = (
            get_user_model()
            ._default_manager.annotate(membership_list=membership_list())
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class _Joined(Aggregate):
    """The values joined by commas (string_agg, or SQLite's group_concat)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def membership_list():
    """The user's departments as "3,-5": a member of 3, the manager of 5 (parsed by
    `accounts.models.parse_memberships`)."""
    signed = Case(
        When(is_manager=True, then=-F("department_id")),
        default=F("department_id"),
        output_field=IntegerField(),
    )
    joined = (
        DepartmentMembership.objects.filter(user=OuterRef("pk"))
        .values("user")
        .annotate(joined=_Joined(Cast(signed, CharField())))
        .values("joined")
    )
    return Subquery(joined, output_field=CharField())
