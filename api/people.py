"""People and organizations: read by administrators (everyone) and managers (the people of
the departments they lead, api.permissions), changed as the pages change them.

An administrator adds, changes and deactivates customers and adds and changes organizations,
as in the administration (accounts.permissions decides, accounts.services writes, the
administration's own checks and messages refuse). A manager adds a light user, as any agent
does on the attendance's client step (its form, `create_customer`), in an organization of
theirs or none; the pages let a manager change nobody, and neither does the API. Out of one's
scope is 404; in it but not one's to change, 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from accounts import permissions as people_gate
from accounts import services as accounts
from accounts.forms import OrganizationForm, PersonForm
from accounts.models import User
from attendance.forms import NewContactForm

from . import permissions
from . import serializers as s
from .problems import invalid
from .records import CURSORS, _id, _one, _page
from .views import PROBLEMS, ApiView, _data

PERSON_ID = _id("person_id", "person")
ORGANIZATION_ID = _id("organization_id", "organization")
CHANGE_NOTE = " Give only the fields to change; the others keep their values."


def _people(request):
    return permissions.people_for(request.user).select_related("organization")


def _bound(form_class, request, *, instance=None, **kwargs):
    """The form bound to the body, over the record's present values (a change names only
    what it changes; a null clears a field); with the names the body gave."""
    form_fields = list(form_class.base_fields)
    data = QueryDict(mutable=True)
    if instance is not None:
        for name in form_fields:
            value = getattr(instance, f"{name}_id" if name == "organization" else name)
            if value not in (None, False):
                data[name] = "true" if value is True else str(value)
    body = _data(request)
    given = set()
    for name in form_fields:
        if name in body:
            data[name] = body[name]
            given.add(name)
        elif isinstance(request.data, dict) and name in request.data:  # null
            data.pop(name, None)
            given.add(name)
    form = form_class(data, instance=instance, **kwargs)
    if not form.is_valid():
        raise invalid(form)
    return form, given


def _scoped_organizations(form, user):
    if "organization" in form.fields:
        form.fields["organization"].queryset = permissions.organizations_for(user).order_by("name")


class PersonList(ApiView):
    @extend_schema(parameters=CURSORS, responses={200: s.PersonPage, **PROBLEMS},
                   operation_id="people_list")  # fmt: skip
    def get(self, request):
        """The people an administrator sees (everyone), or a manager (the agents of the
        departments they lead and whoever asked for those departments' tickets)."""
        if not permissions.may_see_people(request.user):
            raise PermissionDenied
        keys = [("full_name", False), ("id", False)]
        return _page(request, _people(request), keys, s.PersonOut)

    @extend_schema(request=s.PersonBody, responses={201: s.PersonOut, **PROBLEMS},
                   operation_id="people_create")  # fmt: skip
    def post(self, request):
        """Add a customer without a password (a password reset link lets them in).
        Administrators: a light or master user of any organization, in a language. Managers:
        a light user, of an organization of theirs or none, as the attendance's form adds
        one."""
        user = request.user
        if people_gate.may_manage_people(user):
            data = _bound(PersonForm, request)[0].cleaned_data
            person = accounts.create_person(actor=user, request=request, **data)
            return Response(s.PersonOut(person).data, status=201)
        if not permissions.may_see_people(user):
            raise PermissionDenied
        if _data(request).get("is_master", "").lower() in ("true", "on", "1"):
            raise PermissionDenied  # a master user is an administrator's to make
        form = NewContactForm(_data(request))
        _scoped_organizations(form, user)
        if not form.is_valid():
            raise invalid(form)
        person = accounts.create_customer(actor=user, **form.cleaned_data)
        return Response(s.PersonOut(person).data, status=201)


def _changeable_person(request, person_id) -> User:
    person = _one(_people(request), person_id)
    if not people_gate.may_change_person(request.user, person):
        raise PermissionDenied
    return person


class PersonDetail(ApiView):
    @extend_schema(parameters=[PERSON_ID], responses={200: s.PersonOut, **PROBLEMS})
    def get(self, request, person_id):
        return Response(s.PersonOut(_one(_people(request), person_id)).data)

    @extend_schema(parameters=[PERSON_ID], request=s.PersonChange,
                   responses={200: s.PersonOut, **PROBLEMS},
                   description="Administrators change a customer." + CHANGE_NOTE)  # fmt: skip
    def patch(self, request, person_id):
        person = _changeable_person(request, person_id)
        form, given = _bound(PersonForm, request, instance=person)
        values = {name: form.cleaned_data[name] for name in given}
        person = accounts.update_person(actor=request.user, person=person, request=request,
                                        **values)  # fmt: skip
        return Response(s.PersonOut(person).data)


class PersonDeactivate(ApiView):
    @extend_schema(parameters=[PERSON_ID], request=None,
                   responses={200: s.PersonOut, **PROBLEMS})  # fmt: skip
    def post(self, request, person_id):
        """Administrators deactivate a customer: no more sign-in, sessions or tokens; their
        tickets stay."""
        person = _changeable_person(request, person_id)
        person = accounts.deactivate_person(actor=request.user, person=person)
        return Response(s.PersonOut(person).data)


class OrganizationList(ApiView):
    @extend_schema(parameters=CURSORS, responses={200: s.OrganizationPage, **PROBLEMS},
                   operation_id="organizations_list")  # fmt: skip
    def get(self, request):
        """The organizations of the people the caller sees."""
        if not permissions.may_see_people(request.user):
            raise PermissionDenied
        rows = permissions.organizations_for(request.user)
        return _page(request, rows, [("name", False), ("id", False)], s.OrganizationOut)

    @extend_schema(request=s.OrganizationBody, responses={201: s.OrganizationOut, **PROBLEMS},
                   operation_id="organizations_create")  # fmt: skip
    def post(self, request):
        """Administrators add an organization."""
        if not people_gate.may_manage_people(request.user):
            raise PermissionDenied
        data = _bound(OrganizationForm, request)[0].cleaned_data
        organization = accounts.create_organization(actor=request.user, **data)
        return Response(s.OrganizationOut(organization).data, status=201)


class OrganizationDetail(ApiView):
    @extend_schema(parameters=[ORGANIZATION_ID], responses={200: s.OrganizationOut, **PROBLEMS})
    def get(self, request, organization_id):
        rows = permissions.organizations_for(request.user)
        return Response(s.OrganizationOut(_one(rows, organization_id)).data)

    @extend_schema(parameters=[ORGANIZATION_ID], request=s.OrganizationChange,
                   responses={200: s.OrganizationOut, **PROBLEMS},
                   description="Administrators rename an organization or change its domain."
                               + CHANGE_NOTE)  # fmt: skip
    def patch(self, request, organization_id):
        organization = _one(permissions.organizations_for(request.user), organization_id)
        if not people_gate.may_manage_people(request.user):
            raise PermissionDenied
        form, given = _bound(OrganizationForm, request, instance=organization)
        values = {name: form.cleaned_data[name] for name in given}
        organization = accounts.update_organization(
            actor=request.user, organization=organization, **values
        )
        return Response(s.OrganizationOut(organization).data)
