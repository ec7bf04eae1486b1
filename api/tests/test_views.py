"""The API through the persona matrix of the pages: what each person may see and do on a
light user's ticket of the Support department, and the problems the refusals are."""

import pytest
from django.urls import reverse

from accounts.models import SecurityEvent
from tickets.models import Attachment, TicketEntry
from tickets.tests.factories import CategoryFactory, ProgressLabelFactory
from tickets.tests.fixtures import drop_kept, open_for, png_upload
from tickets.workflow import Status

PEOPLE = ["light_user", "colleague", "master_user", "outsider", "agent", "other_agent",
          "manager", "administrator"]  # fmt: skip


def url(name, ticket=None, **kwargs):
    if ticket is not None:
        kwargs["number"] = ticket.number
    return reverse(f"api:{name}", kwargs=kwargs or None)


@pytest.fixture
def person(request):
    return request.getfixturevalue(request.param)


def status_of(response):
    return response.status_code


@pytest.mark.parametrize(
    ("person", "expected"),
    [("light_user", 200), ("colleague", 404), ("master_user", 200), ("outsider", 404),
     ("agent", 200), ("other_agent", 404), ("manager", 200), ("administrator", 200)],
    indirect=["person"],
)  # fmt: skip
def test_who_reads_the_ticket(api_as, ticket, person, expected):
    response = api_as(person).get(url("ticket", ticket))
    assert response.status_code == expected
    if expected == 404:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404
    else:
        assert response.json()["number"] == ticket.number


@pytest.mark.parametrize(
    ("person", "expected"),
    [("light_user", 1), ("colleague", 0), ("master_user", 0), ("outsider", 0), ("agent", 1),
     ("other_agent", 0), ("manager", 1), ("administrator", 1)],
    indirect=["person"],
)  # fmt: skip
def test_whose_list_holds_the_ticket(api_as, ticket, person, expected):
    # The master user's own list is "mine"; their organization's is asked for by scope.
    numbers = [row["number"] for row in api_as(person).get(url("tickets")).json()["results"]]
    assert numbers.count(ticket.number) == expected


def test_a_master_user_lists_the_organization(api_as, ticket, master_user, light_user):
    response = api_as(master_user).get(url("tickets"), {"scope": "organization"})
    assert [row["number"] for row in response.json()["results"]] == [ticket.number]
    response = api_as(light_user).get(url("tickets"), {"scope": "organization"})
    assert response.status_code == 400  # a light user has no such choice
    assert "scope" in response.json()["errors"]


@pytest.mark.parametrize(
    ("person", "expected"),
    [("light_user", 200), ("colleague", 404), ("master_user", 200), ("outsider", 404),
     ("agent", 200), ("other_agent", 404), ("manager", 200), ("administrator", 200)],
    indirect=["person"],
)  # fmt: skip
def test_who_replies(api_as, ticket, person, expected):
    response = api_as(person).post(url("reply", ticket), {"body": "<p>Any news?</p>"})
    assert response.status_code == expected, response.content
    replies = ticket.entries.filter(kind=TicketEntry.Kind.REPLY)
    assert replies.count() == (1 if expected == 200 else 0)


def test_an_agents_reply_claims_the_ticket_and_waits_on_the_customer(api_as, ticket, agent):
    body = api_as(agent).post(url("reply", ticket), {"body": "Try again now."}).json()
    assert body["ticket"]["assignee"]["id"] == agent.id
    assert body["ticket"]["status"] == Status.WAITING_CUSTOMER


def test_a_reply_to_a_ticket_another_agent_claimed_is_a_conflict(api_as, ticket, agent, manager):
    api_as(agent).post(url("claim", ticket))
    teammate = api_as(manager)  # a manager holds it anyway: use a plain teammate instead
    from accounts.tests.factories import AgentFactory

    other = AgentFactory(departments=[ticket.department])
    response = api_as(other).post(url("reply", ticket), {"body": "Mine now?"})
    assert response.status_code == 409
    assert agent.full_name in response.json()["detail"]
    assert teammate.post(url("reply", ticket), {"body": "I manage it."}).status_code == 200


@pytest.mark.parametrize(
    ("person", "expected"),
    [("light_user", 403), ("colleague", 404), ("master_user", 403), ("outsider", 404),
     ("agent", 200), ("other_agent", 404), ("manager", 200), ("administrator", 200)],
    indirect=["person"],
)  # fmt: skip
def test_who_adds_an_internal_note(api_as, ticket, person, expected):
    response = api_as(person).post(url("note", ticket), {"body": "Call them back.", "minutes": 5})
    assert response.status_code == expected


def test_time_logged_through_the_api_is_billable_unless_said_otherwise(api_as, ticket, agent):
    staff = api_as(agent)
    assert staff.post(url("note", ticket), {"body": "a", "minutes": 45}).status_code == 200
    staff.post(url("note", ticket), {"body": "b", "minutes": 30, "billable": False})
    logged = list(ticket.entries.filter(kind="note").values_list("minutes", "billable"))
    assert logged == [(45, True), (30, False)]


def test_notes_and_their_files_are_for_agents(api_as, ticket, agent, light_user, client):
    api_as(agent).post(url("note", ticket), {"body": "Secret", "attachments": [png_upload()]},
                       multipart=True)  # fmt: skip
    customer = api_as(light_user)
    kinds = [entry["kind"] for entry in customer.get(url("thread", ticket)).json()]
    assert "note" not in kinds
    agent_view = api_as(agent).get(url("thread", ticket)).json()
    note = next(entry for entry in agent_view if entry["kind"] == "note")
    file_url = note["attachments"][0]["url"]
    assert customer.get(file_url).status_code == 404
    download = api_as(agent).get(file_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content)[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("person", "expected"),
    [("light_user", 403), ("colleague", 404), ("outsider", 404), ("agent", 200),
     ("other_agent", 404), ("manager", 200), ("administrator", 403)],
    indirect=["person"],
)  # fmt: skip
def test_who_claims(api_as, ticket, person, expected):
    # An administrator in no department claims nothing (S3 §3), as in the panel.
    assert api_as(person).post(url("claim", ticket)).status_code == expected


@pytest.mark.parametrize(
    ("person", "expected"),
    [("light_user", 403), ("agent", 403), ("other_agent", 404), ("manager", 200),
     ("administrator", 200)],
    indirect=["person"],
)  # fmt: skip
def test_who_assigns(api_as, ticket, person, expected, agent):
    response = api_as(person).post(url("assign", ticket), {"agent": agent.id})
    assert response.status_code == expected
    ticket.refresh_from_db()
    assert ticket.assignee_id == (agent.id if expected == 200 else None)


def test_assigning_to_an_agent_of_another_department_gives_the_forms_error(
    api_as, ticket, manager, other_agent
):
    response = api_as(manager).post(url("assign", ticket), {"agent": other_agent.id})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["agent"]


def test_transfer_out_of_reach_answers_null(api_as, ticket, agent, other_department):
    agent.can_transfer_tickets = True
    agent.save(update_fields=["can_transfer_tickets"])
    client = api_as(agent)
    client.post(url("claim", ticket))
    response = client.post(url("transfer", ticket), {"department": other_department.id})
    assert response.status_code == 200
    assert response.json() == {"ticket": None}
    assert client.get(url("ticket", ticket)).status_code == 404


def test_a_customer_sets_the_priority_and_an_outsider_cannot(
    api_as, ticket, light_user, outsider, high_priority
):
    response = api_as(light_user).post(url("priority", ticket), {"priority": high_priority.id})
    assert response.json()["ticket"]["priority"]["id"] == high_priority.id
    assert api_as(outsider).post(url("priority", ticket), {"priority": 1}).status_code == 404


def test_an_agent_without_the_edit_right_may_not_set_the_priority(
    api_as, ticket, agent, high_priority
):
    agent.can_edit_tickets = False
    agent.save(update_fields=["can_edit_tickets"])
    client = api_as(agent)
    client.post(url("claim", ticket))
    assert client.post(url("priority", ticket), {"priority": high_priority.id}).status_code == 403
    agent.can_edit_tickets = True
    agent.save(update_fields=["can_edit_tickets"])
    assert client.post(url("priority", ticket), {"priority": high_priority.id}).status_code == 200


def test_the_life_of_a_ticket(api_as, ticket, agent, light_user):
    """Label, resolve, rate, reopen as "not solved", resolve again, close: each by its person."""
    label = ProgressLabelFactory(name="Testing")
    drop_kept()  # the label is new: the lists pages keep are read again
    staff, customer = api_as(agent), api_as(light_user)
    assert customer.post(url("label", ticket), {"label": label.id}).status_code == 403
    assert staff.post(url("label", ticket), {"label": label.id}).status_code == 403  # not held
    staff.post(url("claim", ticket))
    labelled = staff.post(url("label", ticket), {"label": label.id, "body": "Testing it"})
    assert labelled.json()["ticket"]["progress_label"]["name"] == "Testing"
    resolved = staff.post(url("resolve", ticket), {"body": "Fixed.", "minutes": 10})
    assert resolved.json()["ticket"]["status"] == Status.RESOLVED
    reopened = customer.post(url("reopen", ticket), {"body": "It broke again."})
    assert reopened.json()["ticket"]["status"] == Status.REOPENED
    assert staff.post(url("resolve", ticket), {"body": "Fixed for good."}).status_code == 200
    assert customer.post(url("rate", ticket), {"score": 9}).status_code == 400
    rated = customer.post(url("rate", ticket), {"score": 4, "comment": "Quick"})
    assert rated.json()["ticket"]["rating"] == {"score": 4, "comment": "Quick"}
    assert rated.json()["ticket"]["status"] == Status.CLOSED  # a rating closes it
    assert customer.post(url("rate", ticket), {"score": 5}).status_code == 409
    assert customer.post(url("reopen", ticket)).status_code == 409  # "not solved" is too late
    assert staff.post(url("reopen", ticket)).json()["ticket"]["status"] == Status.REOPENED
    assert staff.post(url("close", ticket)).status_code == 403  # the customer's to close
    assert customer.post(url("close", ticket)).json()["ticket"]["status"] == Status.CLOSED
    assert customer.post(url("close", ticket)).status_code == 409


def test_finalizing_an_unanswered_ticket_asks_to_confirm(api_as, ticket, agent):
    client = api_as(agent)
    client.post(url("claim", ticket))
    refused = client.post(url("finalize", ticket), {"reason": "Spam"})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["unanswered"]
    done = client.post(url("finalize", ticket), {"reason": "Spam", "unanswered": True})
    assert done.json()["ticket"]["status"] == Status.CLOSED


def test_an_agent_reopens_a_resolved_ticket_and_a_colleague_cannot(
    api_as, ticket, agent, colleague
):
    client = api_as(agent)
    client.post(url("claim", ticket))
    client.post(url("resolve", ticket))
    assert api_as(colleague).post(url("reopen", ticket)).status_code == 404
    assert client.post(url("reopen", ticket)).json()["ticket"]["status"] == Status.REOPENED


def test_a_customer_opens_a_ticket_with_a_file(api_as, light_user, department, normal_priority):
    category = CategoryFactory(name="Error", requires_attachment=True)
    client = api_as(light_user)
    data = {"title": "Crash", "department": department.id, "category": category.id,
            "body": "It crashes."}  # fmt: skip
    refused = client.post(url("tickets"), data)
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["attachments"]
    opened = client.post(url("tickets"), {**data, "attachments": [png_upload()]}, multipart=True)
    assert opened.status_code == 201
    number = opened.json()["ticket"]["number"]
    assert Attachment.objects.filter(entry__ticket__number=number).count() == 1


def test_field_errors_come_in_the_language_asked_for(api_as, light_user):
    english = api_as(light_user).post(url("tickets"), {"title": ""}).json()
    assert english["errors"]["title"] == ["This field is required."]
    portuguese = api_as(light_user, language="pt-BR").post(url("tickets"), {}).json()
    assert portuguese["errors"]["title"] == ["Este campo é obrigatório."]
    assert portuguese["title"] == "Requisição inválida"


@pytest.mark.parametrize("body", ['["a list"]', '"text"', '{"title": {"a": 1}}', "not json"])
def test_a_body_that_is_no_object_is_a_problem_not_a_crash(client, light_user, body):
    from api.tests.conftest import make_token

    secret = make_token(light_user)[1]
    response = client.post(url("tickets"), body, content_type="application/json",
                           headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_ticket_number_past_any_ticket_is_not_found(api_as, light_user):
    assert api_as(light_user).get(f"/api/v1/tickets/{10**20}/").status_code == 404


def test_lists_page_by_cursor(api_as, light_user, department, normal_priority, settings):
    settings.TICKETS_PER_PAGE = 2
    for n in range(5):
        open_for(light_user, department, title=f"Ticket {n}")
    client = api_as(light_user)
    seen, page = [], client.get(url("tickets"), {"sort": "title"}).json()
    while True:
        seen += [row["title"] for row in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert seen == [f"Ticket {n}" for n in range(5)]
    back = client.get(page["previous"]).json()
    assert [row["title"] for row in back["results"]] == ["Ticket 2", "Ticket 3"]


def test_an_agent_filters_by_queue_and_a_bad_queue_is_a_field_error(api_as, ticket, agent):
    client = api_as(agent)
    assert len(client.get(url("tickets"), {"queue": "new"}).json()["results"]) == 1
    assert client.get(url("tickets"), {"queue": "mine"}).json()["results"] == []
    refused = client.get(url("tickets"), {"queue": "team_open"})  # managers only
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["queue"]


def test_configuration_lists_name_items_in_the_language(api_as, light_user, department):
    names = api_as(light_user, language="pt-BR").get(url("departments")).json()
    assert names == [{"id": department.id, "name": "Suporte"}]
    for name in ("categories", "products", "priorities", "severities", "labels"):
        assert api_as(light_user).get(url(name)).status_code == 200


def test_canned_replies_are_for_agents(api_as, agent, light_user):
    from tickets.models import CannedReply

    CannedReply.objects.create(owner=agent, title="Hello", body_html="<p>Hi</p>")
    assert api_as(light_user).get(url("canned_replies")).status_code == 403
    replies = api_as(agent).get(url("canned_replies")).json()
    assert [(r["title"], r["is_mine"]) for r in replies] == [("Hello", True)]


def test_without_a_token_the_api_asks_for_one(anonymous_api, ticket):
    response = anonymous_api.get(url("ticket", ticket))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response["Content-Type"] == "application/problem+json"


def test_a_read_only_token_reads_and_does_not_write(api_as, ticket, light_user):
    client = api_as(light_user, write=False)
    assert client.get(url("ticket", ticket)).status_code == 200
    assert client.post(url("reply", ticket), {"body": "Hi"}).status_code == 403
    assert not ticket.entries.filter(kind=TicketEntry.Kind.REPLY).exists()


def test_the_browsers_session_writes_only_with_the_csrf_token(client, ticket, light_user):
    from django.test import Client

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(light_user)
    assert guarded.get(url("ticket", ticket)).status_code == 200
    response = guarded.post(url("reply", ticket), {"body": "Hi"}, content_type="application/json")
    assert response.status_code == 403
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.API_USE).count() == 0


@pytest.mark.parametrize("path", ["/api/v1/tickets/-25/assign/", "/api/v1/nothing/here/"])
def test_an_address_no_endpoint_takes_is_a_problem_too(api_as, light_user, path):
    api = api_as(light_user)
    for response in (api.get(path), api.post(path, {"agent": 1})):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404
    assert api.get("/api/v1/tickets").status_code == 301  # the slash added, as everywhere
