"""People and organizations changed through the API, through the persona matrix: an
administrator adds, changes and deactivates customers and adds and changes organizations; a
manager adds a light user of theirs, as the attendance's form does; whoever may not see a
record gets 404, who sees it but may not change it 403, and the forms' refusals come back
as problems in the reader's language."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry

from accounts.models import Organization, SecurityEvent, User
from accounts.tests.factories import AgentFactory, CustomerFactory

from .test_records import PEOPLE, assert_not_found, matrix, url

pytestmark = pytest.mark.django_db

LEADERS_ONLY = dict.fromkeys(PEOPLE, 403) | {"manager": 201, "administrator": 201}
OUT_OF_SIGHT = dict.fromkeys(PEOPLE, 404)


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


@matrix(**LEADERS_ONLY)
def test_who_adds_a_customer(api_as, person, expected, organization, ticket):
    body = {"full_name": "  Nova   Pessoa ", "email": "Nova@Acme.example",
            "organization": organization.id}  # fmt: skip
    response = api_as(person).post(url("people"), body)
    assert response.status_code == expected
    made = User.objects.filter(email="nova@acme.example").first()
    if expected != 201:
        assert made is None
        return
    assert response.json()["id"] == made.id
    assert (made.full_name, made.role, made.organization, made.is_master) == (
        "Nova Pessoa", User.Role.CUSTOMER, organization, False
    )  # fmt: skip
    assert not made.has_usable_password()  # a password reset link lets them in


@matrix(**(OUT_OF_SIGHT | {"manager": 403, "administrator": 200}))
def test_who_changes_and_deactivates_the_requester(api_as, person, expected, ticket, light_user):
    api = api_as(person)
    changed = api.client.patch(
        url("person", person_id=light_user.id), {"full_name": "Lia Nova"},
        content_type="application/json", headers=api.headers,
    )  # fmt: skip
    deactivated = api.post(url("person_deactivate", person_id=light_user.id))
    assert (changed.status_code, deactivated.status_code) == (expected, expected)
    light_user.refresh_from_db()
    if expected == 404:
        assert_not_found(changed)
        assert_not_found(deactivated)
    if expected != 200:
        assert (light_user.full_name, light_user.is_active) != ("Lia Nova", False)
        return
    assert (light_user.full_name, light_user.is_active) == ("Lia Nova", False)
    assert deactivated.json()["is_active"] is False


@matrix(**(dict.fromkeys(PEOPLE, 403) | {"administrator": 201}))
def test_who_adds_an_organization(api_as, person, expected):
    response = api_as(person).post(
        url("organizations"), {"name": "Initech", "email_domain": "Initech.Example"}
    )
    assert response.status_code == expected
    made = Organization.objects.filter(name="Initech").first()
    assert (made is not None) == (expected == 201)
    if made is not None:
        assert made.email_domain == "initech.example"
        assert response.json()["url"] == url("organization", organization_id=made.id)


@matrix(**(OUT_OF_SIGHT | {"manager": 403, "administrator": 200}))
def test_who_renames_the_requesters_organization(api_as, person, expected, ticket, organization):
    api = api_as(person)
    response = api.client.patch(
        url("organization", organization_id=organization.id), {"name": "Acme S.A."},
        content_type="application/json", headers=api.headers,
    )  # fmt: skip
    assert response.status_code == expected
    organization.refresh_from_db()
    assert (organization.name == "Acme S.A.") == (expected == 200)


def patch(api, path, body):
    return api.client.patch(path, body, content_type="application/json", headers=api.headers)


def test_an_administrator_makes_a_master_user_written_to_the_history_and_security_log(
    api_as, administrator, organization
):
    response = api_as(administrator).post(url("people"), {
        "full_name": "Chefe", "email": "chefe@acme.example", "organization": organization.id,
        "is_master": True, "language": "en", "phone": "+55 11 91234-5678",
    })  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert (body["is_master"], body["language"], body["phone"]) == (True, "en", "+55 11 91234-5678")
    made = User.objects.get(id=body["id"])
    entry = LogEntry.objects.get(object_id=str(made.id))
    assert (entry.user_id, entry.action_flag) == (administrator.id, ADDITION)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ROLE_CHANGED, user=made)
    assert (event.actor, event.details) == (administrator, {"previous": "light", "role": "master"})


def test_a_change_names_only_what_changes_and_a_null_clears(api_as, administrator, master_user):
    api = api_as(administrator)
    response = patch(api, url("person", person_id=master_user.id), {"phone": "(11) 3333-4444"})
    assert response.status_code == 200
    master_user.refresh_from_db()
    assert (master_user.phone, master_user.is_master) == ("(11) 3333-4444", True)
    entry = LogEntry.objects.get(object_id=str(master_user.id))
    assert (entry.action_flag, entry.get_change_message()) == (CHANGE, "Changed Phone / WhatsApp.")
    # The organization cleared while still master: the administration's own refusal.
    refused = problem(patch(api, url("person", person_id=master_user.id),
                            {"organization": None}), 400)  # fmt: skip
    assert refused["errors"] == {"is_master": ["A master user must belong to an organization."]}
    response = patch(api, url("person", person_id=master_user.id),
                     {"organization": None, "is_master": False})  # fmt: skip
    assert response.json()["organization"] is None
    master_user.refresh_from_db()
    assert (master_user.organization, master_user.is_master) == (None, False)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ROLE_CHANGED, user=master_user,
                                        details__role="light").exists()  # fmt: skip


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Another person already uses this e-mail."),
    ("pt-br", "Outra pessoa já usa este e-mail."),
])  # fmt: skip
def test_field_errors_are_the_forms_in_the_readers_language(
    api_as, administrator, light_user, colleague, language, message
):
    api = api_as(administrator, language=language)
    refused = problem(api.post(url("people"), {"full_name": "X", "email": light_user.email}), 400)
    assert refused["errors"] == {"email": [message]}
    refused = problem(patch(api, url("person", person_id=colleague.id),
                            {"email": "LIGHT@acme.example"}), 400)  # fmt: skip
    assert refused["errors"] == {"email": [message]}
    refused = problem(api.post(url("people"), {"email": "x@y.example", "phone": "abc"}), 400)
    assert set(refused["errors"]) == {"full_name", "phone"}


def test_the_staff_are_changed_in_the_administration_only(api_as, administrator, agent):
    api = api_as(administrator)
    assert problem(patch(api, url("person", person_id=agent.id), {"full_name": "X"}), 403)
    assert problem(api.post(url("person_deactivate", person_id=agent.id)), 403)
    agent.refresh_from_db()
    assert (agent.full_name != "X", agent.is_active) == (True, True)


def test_a_deactivated_customer_is_locked_out_at_once(api_as, administrator, light_user):
    theirs = api_as(light_user)
    assert theirs.get(url("tickets")).status_code == 200
    api = api_as(administrator)
    assert api.post(url("person_deactivate", person_id=light_user.id)).status_code == 200
    assert api.post(url("person_deactivate", person_id=light_user.id)).status_code == 200
    assert LogEntry.objects.filter(object_id=str(light_user.id)).count() == 1  # once
    assert problem(theirs.get(url("tickets")), 401)


def test_a_manager_adds_a_light_user_of_their_organizations_only(
    api_as, manager, ticket, organization, other_organization
):
    api = api_as(manager)
    response = api.post(url("people"), {"full_name": "Nova", "email": "nova@acme.example",
                                        "organization": organization.id})  # fmt: skip
    assert response.status_code == 201
    refused = problem(
        api.post(
            url("people"),
            {
                "full_name": "Fora",
                "email": "fora@globex.example",
                "organization": other_organization.id,
            },
        ),
        400,
    )
    assert set(refused["errors"]) == {"organization"}
    assert problem(api.post(url("people"), {"full_name": "M", "email": "m@acme.example",
                                            "organization": organization.id,
                                            "is_master": True}), 403)  # fmt: skip
    refused = problem(api.post(url("people"), {"full_name": "Y", "email": "NOVA@acme.example"}),
                      400)  # fmt: skip
    assert refused["errors"]["email"] == [
        "Somebody has this address already: find them with the search above."
    ]
    assert not User.objects.filter(email__in=["fora@globex.example", "m@acme.example"]).exists()


def test_a_read_only_token_changes_nobody(api_as, administrator, light_user):
    api = api_as(administrator, write=False)
    assert problem(api.post(url("people"), {"full_name": "X", "email": "x@y.example"}), 403)
    assert problem(patch(api, url("person", person_id=light_user.id), {"full_name": "X"}), 403)
    assert problem(api.post(url("organizations"), {"name": "X"}), 403)


def test_an_organizations_name_and_domain_are_checked(api_as, administrator, organization):
    api = api_as(administrator, language="pt-br")
    refused = problem(api.post(url("organizations"), {"name": "Acme Ltda"}), 400)
    assert set(refused["errors"]) == {"name"}
    refused = problem(
        api.post(url("organizations"), {"name": "Nova", "email_domain": "ACME.example"}), 400
    )
    assert refused["errors"] == {"email_domain": ["Outra organização já tem este domínio."]}
    refused = problem(
        api.post(url("organizations"), {"name": "Nova", "email_domain": "não é domínio"}), 400
    )
    assert refused["errors"] == {"email_domain": ["Informe um domínio como example.com."]}
    changed = patch(api, url("organization", organization_id=organization.id),
                    {"email_domain": "@Acme.com.br"})  # fmt: skip
    assert changed.json()["email_domain"] == "acme.com.br"
    assert changed.json()["name"] == "Acme Ltda"  # unchanged
    entry = LogEntry.objects.get(object_id=str(organization.id))
    assert entry.action_flag == CHANGE


def test_a_manager_changes_nobody_they_see(api_as, manager, agent, ticket):
    api = api_as(manager)
    assert problem(patch(api, url("person", person_id=agent.id), {"full_name": "X"}), 403)
    outsider = CustomerFactory()
    assert_not_found(patch(api, url("person", person_id=outsider.id), {"full_name": "X"}))
    stranger = AgentFactory()
    assert_not_found(api.post(url("person_deactivate", person_id=stranger.id)))
