"""The permission matrix of STYLE.md's named people over every customer-side URL."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from accounts.tests.factories import AdministratorFactory, AgentFactory, CustomerFactory
from tickets import services, workflow
from tickets.tests.fixtures import open_for, png_upload
from tickets.workflow import Action

pytestmark = pytest.mark.django_db

PEOPLE = [
    "light_user", "colleague", "master_user", "outsider", "agent", "other_agent", "manager",
    "administrator",
]  # fmt: skip
SEES = {"light_user", "master_user", "agent", "manager", "administrator"}
ACTS = {"light_user", "master_user"}
# A master user comments on a colleague's ticket; its creator alone closes, rates it and
# changes its priority (S2 §4.11).
DECIDES = {"light_user"}
DECIDING = {"tickets:rate", "tickets:close", "tickets:priority"}


@pytest.fixture
def resolved_ticket(light_user, department, normal_priority, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_for(light_user, department, files=[png_upload()])
    workflow.apply(ticket, Action.RESOLVE)
    ticket.save(update_fields=["status"])
    return ticket


def as_person(client, request, person):
    user = request.getfixturevalue(person)
    client.force_login(user)
    return user


@pytest.mark.parametrize("person", PEOPLE)
def test_ticket_page(client, request, person, resolved_ticket):
    as_person(client, request, person)
    response = client.get(reverse("tickets:detail", args=[resolved_ticket.number]))
    assert response.status_code == (200 if person in SEES else 404)
    if person in SEES:
        assert response.context["may_act"] == (person in ACTS)


@pytest.mark.parametrize("person", PEOPLE)
def test_attachment_download(client, request, person, resolved_ticket):
    as_person(client, request, person)
    attachment = resolved_ticket.entries.get(kind="message").attachments.get()
    url = reverse("tickets:attachment", args=[resolved_ticket.number, attachment.id])
    response = client.get(url)
    assert response.status_code == (200 if person in SEES else 404)


@pytest.mark.parametrize("person", PEOPLE)
def test_list_shows_the_ticket_only_to_its_customers(client, request, person, resolved_ticket):
    as_person(client, request, person)
    mine = client.get(reverse("tickets:list"), {"state": "all"})
    org = client.get(reverse("tickets:list"), {"state": "all", "scope": "organization"})
    listed = {t.number for t in mine.context["page"].object_list} | {
        t.number for t in org.context["page"].object_list
    }
    assert (resolved_ticket.number in listed) == (person in ACTS)


WRITES = [
    ("tickets:reply", {"reply-body": "<p>Hello</p>"}),
    ("tickets:rate", {"rating-score": "4", "rating-comment": "ok"}),
    ("tickets:close", {"confirm": "yes"}),
    ("tickets:not_solved", {"not_solved-body": ""}),
]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(("url_name", "data"), WRITES)
def test_customer_side_actions(client, request, person, url_name, data, resolved_ticket):
    as_person(client, request, person)
    before = resolved_ticket.entries.count()
    response = client.post(reverse(url_name, args=[resolved_ticket.number]), data)
    if person in ACTS and (person in DECIDES or url_name not in DECIDING):
        assert response.status_code == 302
        assert resolved_ticket.entries.count() > before
    else:
        assert response.status_code == (403 if person in SEES else 404)
        assert resolved_ticket.entries.count() == before


@pytest.mark.parametrize("person", PEOPLE)
def test_priority_change(
    client, request, person, light_user, department, high_priority, normal_priority
):
    ticket = open_for(light_user, department)
    as_person(client, request, person)
    response = client.post(
        reverse("tickets:priority", args=[ticket.number]), {"priority-priority": high_priority.id}
    )
    ticket.refresh_from_db()
    if person in DECIDES:
        assert response.status_code == 302
        assert ticket.priority == high_priority
    else:
        assert response.status_code == (403 if person in SEES else 404)
        assert ticket.priority == normal_priority


def test_a_visitor_is_asked_to_log_in_whatever_the_number(client, resolved_ticket):
    real = client.get(reverse("tickets:detail", args=[resolved_ticket.number]))
    fake = client.get(reverse("tickets:detail", args=[999999]))
    assert real.status_code == fake.status_code == 302
    assert real["Location"].startswith(reverse("accounts:login"))


def test_internal_notes_and_their_files_never_reach_the_customer(
    client, light_user, resolved_ticket, agent
):
    from tickets.models import TicketEntry
    from tickets.services.attachments import store_attachments

    note = TicketEntry.objects.create(
        ticket=resolved_ticket, kind="note", is_public=False, author=agent,
        body_html="<p>secret-note</p>", body_text="secret-note",
    )  # fmt: skip
    (hidden,) = store_attachments(note, [png_upload("internal.png")])
    client.force_login(light_user)
    page = client.get(reverse("tickets:detail", args=[resolved_ticket.number]))
    assert "secret-note" not in page.content.decode()
    url = reverse("tickets:attachment", args=[resolved_ticket.number, hidden.id])
    assert client.get(url).status_code == 404
    client.force_login(agent)
    assert client.get(url).status_code == 200


def test_an_attachment_of_another_ticket_is_404_through_this_one(
    client, light_user, department, resolved_ticket
):
    other = open_for(light_user, department, files=[png_upload("other.png")])
    attachment = other.entries.get().attachments.get()
    client.force_login(light_user)
    url = reverse("tickets:attachment", args=[resolved_ticket.number, attachment.id])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("person", PEOPLE)
def test_organization_tickets_are_the_visible_ones_of_the_organization(
    request, person, light_user, master_user, outsider, department, normal_priority
):
    from tickets.models import Ticket
    from tickets.permissions import organization_tickets, visible_tickets

    mine = open_for(light_user, department)
    open_for(master_user, department)
    open_for(outsider, department)
    Ticket.objects.filter(id=open_for(light_user, department).id).update(trashed_at=mine.created_at)
    user = request.getfixturevalue(person)
    expected = visible_tickets(user).filter(organization_id=user.organization_id)
    assert set(organization_tickets(user)) == set(expected)
    guest = {mine.id}
    expected = visible_tickets(user, guest_ticket_ids=guest).filter(
        organization_id=user.organization_id
    )
    assert set(organization_tickets(user, guest_ticket_ids=guest)) == set(expected)


# The gate's predicates, one condition per branch: the named people against real tickets.


def deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@pytest.fixture
def spread(light_user, colleague, outsider, department, other_department, normal_priority):
    """A ticket of each customer: two of Acme's in Support, Globex's in Billing."""
    return {
        "light": open_for(light_user, department),
        "colleague": open_for(colleague, department),
        "outsider": open_for(outsider, other_department),
    }


VISIBLE = {
    "light_user": {"light"},
    "colleague": {"colleague"},
    "master_user": {"light", "colleague"},
    "outsider": {"outsider"},
    "agent": {"light", "colleague"},
    "other_agent": {"outsider"},
    "manager": {"light", "colleague"},
    "administrator": {"light", "colleague", "outsider"},
}


@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_sees_exactly_their_tickets(request, person, spread):
    from tickets.permissions import visible_tickets

    user = request.getfixturevalue(person)
    seen = set(visible_tickets(user).values_list("id", flat=True))
    assert seen == {spread[name].id for name in VISIBLE[person]}


@pytest.mark.parametrize("person", PEOPLE)
def test_a_person_made_inactive_sees_no_ticket(request, person, spread):
    from tickets.permissions import get_ticket_for, visible_tickets

    user = request.getfixturevalue(person)
    mine = spread[sorted(VISIBLE[person])[0]]
    assert get_ticket_for(user, mine.number) == mine
    deactivate(user)
    assert not visible_tickets(user).exists()
    with pytest.raises(Http404):
        get_ticket_for(user, mine.number)


def test_a_visitor_sees_only_the_ticket_of_their_guest_link(spread):
    from tickets.permissions import acts_for_requester, visible_tickets

    visitor = AnonymousUser()
    guest = frozenset({spread["light"].id})
    assert not visible_tickets(visitor).exists()
    assert list(visible_tickets(visitor, guest_ticket_ids=guest)) == [spread["light"]]
    assert acts_for_requester(visitor, spread["light"], guest_ticket_ids=guest)
    assert not acts_for_requester(visitor, spread["colleague"], guest_ticket_ids=guest)


def test_an_agent_still_sees_and_works_on_their_ticket_after_leaving_its_department(
    agent, manager, ticket
):
    from accounts.models import DepartmentMembership, User
    from tickets.permissions import visible_tickets, works_on

    ticket = services.claim_ticket(ticket=ticket, actor=agent)
    DepartmentMembership.objects.filter(user=agent).delete()
    moved = User.objects.get(id=agent.id)
    assert moved.department_ids == frozenset()
    assert visible_tickets(moved).filter(id=ticket.id).exists()
    assert works_on(moved, ticket)
    unassigned = open_for(ticket.requester, ticket.department)
    assert not visible_tickets(moved).filter(id=unassigned.id).exists()
    assert not works_on(moved, unassigned)


def test_an_agent_sees_the_internal_ticket_they_asked_of_another_department(
    agent, manager, other_department, normal_priority
):
    from tickets.permissions import acts_for_requester, may_reply, visible_tickets, works_on

    asked = services.open_internal_ticket(
        actor=agent, department=other_department, title="New laptop", body_html="<p>Mine.</p>"
    )
    assert visible_tickets(agent).filter(id=asked.id).exists()
    assert not works_on(agent, asked)
    assert acts_for_requester(agent, asked)
    assert may_reply(agent, asked)
    assert not visible_tickets(manager).filter(id=asked.id).exists()
    assert not acts_for_requester(manager, asked)


def test_an_inactive_agent_cannot_answer_the_internal_ticket_they_asked_for(
    agent, other_department, normal_priority
):
    from tickets.permissions import acts_for_requester, may_reply

    asked = services.open_internal_ticket(
        actor=agent, department=other_department, title="New laptop", body_html="<p>Mine.</p>"
    )
    deactivate(agent)
    assert not acts_for_requester(agent, asked)
    assert not may_reply(agent, asked)
    with pytest.raises(services.NotAllowed):
        services.reply_to_ticket(ticket=asked, actor=agent, body_html="<p>Still here?</p>")


@pytest.fixture
def opened_for_customer(agent, light_user, department, other_department, normal_priority):
    """Opened by the agent for Acme's light user, then sent on to Billing, nobody's."""
    ticket = services.open_ticket_for_customer(
        actor=agent, customer=light_user, department=department, title="Router down",
        body_html="<p>Called in.</p>",
    )  # fmt: skip
    services.claim_ticket(ticket=ticket, actor=agent)
    return services.transfer_ticket(ticket=ticket, actor=agent, department=other_department)


def test_the_agent_who_opened_a_ticket_still_sees_it_after_its_transfer(
    agent, manager, opened_for_customer
):
    from tickets.permissions import get_ticket_for, visible_tickets, works_on

    ticket = opened_for_customer
    assert (ticket.submitter, ticket.assignee) == (agent, None)
    assert not works_on(agent, ticket)
    assert get_ticket_for(agent, ticket.number) == ticket
    # Their department no longer has it: it is the submitter who sees it, not Support.
    assert not visible_tickets(manager).filter(id=ticket.id).exists()


def test_the_agent_who_opened_a_ticket_follows_it_up_after_its_transfer(
    agent, manager, other_agent, opened_for_customer
):
    from tickets.permissions import may_follow_up

    assert may_follow_up(agent, opened_for_customer)
    assert may_follow_up(other_agent, opened_for_customer)  # Billing works on it now
    assert not may_follow_up(manager, opened_for_customer)


def test_an_inactive_submitter_neither_sees_nor_follows_up_their_ticket(agent, opened_for_customer):
    from tickets.permissions import may_follow_up, visible_tickets

    deactivate(agent)
    assert not visible_tickets(agent).exists()
    assert not may_follow_up(agent, opened_for_customer)


def test_a_customer_who_opened_their_ticket_does_not_follow_it_up(light_user, ticket):
    from tickets.permissions import may_follow_up

    assert ticket.submitter == light_user
    assert not may_follow_up(light_user, ticket)


AGENT_RIGHTS = ["works_on", "may_reply", "may_claim", "may_assign", "may_transfer", "may_edit",
                "may_delete", "may_follow_up", "holds", "may_answer"]  # fmt: skip


@pytest.mark.parametrize("predicate", AGENT_RIGHTS)
def test_an_agent_made_inactive_loses_every_right_on_their_departments_ticket(
    manager, ticket, predicate
):
    from tickets import permissions

    manager.can_delete_tickets = True
    manager.save(update_fields=["can_delete_tickets"])
    allowed = getattr(permissions, predicate)
    assert allowed(manager, ticket)
    deactivate(manager)
    assert not allowed(manager, ticket)


def test_an_inactive_agent_cannot_claim_reply_or_transfer_through_the_services(
    agent, ticket, department, other_department
):
    deactivate(agent)
    with pytest.raises(services.NotAllowed):
        services.claim_ticket(ticket=ticket, actor=agent)
    with pytest.raises(services.NotAllowed):
        services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Hi</p>")
    with pytest.raises(services.NotAllowed):
        services.transfer_ticket(ticket=ticket, actor=agent, department=other_department)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.department) == (None, department)
    assert ticket.entries.count() == 1


def test_an_inactive_customer_no_longer_acts_on_their_ticket(light_user, master_user, ticket):
    from tickets.permissions import acts_for_requester

    assert acts_for_requester(light_user, ticket)
    assert acts_for_requester(master_user, ticket)
    deactivate(light_user)
    deactivate(master_user)
    assert not acts_for_requester(light_user, ticket)
    assert not acts_for_requester(master_user, ticket)


def test_only_the_requester_and_their_master_user_act_for_the_requester(
    light_user, colleague, master_user, outsider, agent, administrator, ticket
):
    from tickets.permissions import acts_for_requester

    globex_master = CustomerFactory(organization=outsider.organization, is_master=True)
    acting = {
        person: acts_for_requester(person, ticket)
        for person in (
            light_user,
            colleague,
            master_user,
            outsider,
            globex_master,
            agent,
            administrator,
        )
    }
    assert {person for person, acts in acting.items() if acts} == {light_user, master_user}


WORKS_ON = {"agent", "manager", "administrator"}


@pytest.mark.parametrize("person", PEOPLE)
def test_those_of_its_department_and_administrators_work_on_a_ticket(request, person, ticket):
    from tickets.permissions import works_on

    assert works_on(request.getfixturevalue(person), ticket) == (person in WORKS_ON)


def test_a_visitor_works_on_no_ticket_and_has_no_department(ticket):
    from tickets.permissions import department_ids, may_assign, may_claim, works_on

    visitor = AnonymousUser()
    assert department_ids(visitor) == frozenset()
    assert not works_on(visitor, ticket)
    assert not may_claim(visitor, ticket)
    assert not may_assign(visitor, ticket)


CLAIMS = {"agent", "manager"}


@pytest.mark.parametrize("person", PEOPLE)
def test_only_agents_of_its_department_claim_a_ticket(request, person, ticket):
    from tickets.permissions import may_claim

    assert may_claim(request.getfixturevalue(person), ticket) == (person in CLAIMS)


ASSIGNS = {"manager", "administrator"}


@pytest.mark.parametrize("person", PEOPLE)
def test_only_its_department_manager_and_administrators_assign_a_ticket(request, person, ticket):
    from tickets.permissions import may_assign

    assert may_assign(request.getfixturevalue(person), ticket) == (person in ASSIGNS)


def test_the_manager_of_another_department_does_not_assign_the_ticket(other_department, ticket):
    from tickets.permissions import may_assign

    billing_manager = AgentFactory(managed=[other_department])
    assert not may_assign(billing_manager, ticket)


RIGHTS = [("may_transfer", "can_transfer_tickets"), ("may_edit", "can_edit_tickets"),
          ("may_delete", "can_delete_tickets")]  # fmt: skip


@pytest.mark.parametrize(("predicate", "right"), RIGHTS)
def test_an_agent_needs_the_right_and_the_ticket(
    agent, other_agent, administrator, ticket, predicate, right
):
    from tickets import permissions

    allowed = getattr(permissions, predicate)
    for person, has_right in ((agent, True), (other_agent, True), (administrator, False)):
        setattr(person, right, has_right)
        person.save(update_fields=[right])
    ticket.assignee = agent  # transferring and editing are the agent's who claimed it
    assert allowed(agent, ticket)
    assert not allowed(other_agent, ticket)  # the right, but not the ticket's department
    assert allowed(administrator, ticket)  # administrators need no right
    agent_without = AgentFactory(departments=[ticket.department], **{right: False})
    ticket.assignee = agent_without
    assert not allowed(agent_without, ticket)


def test_get_ticket_for_writing_is_refused_to_an_agent_who_sees_it(agent, light_user, ticket):
    from tickets.permissions import get_ticket_for

    assert get_ticket_for(light_user, ticket.number, write=True) == ticket
    with pytest.raises(PermissionDenied):
        get_ticket_for(agent, ticket.number, write=True)


# The trash: administrators all of it, agents with the right their departments' part.


@pytest.fixture
def trashed(light_user, department, other_department, normal_priority):
    remover = AdministratorFactory()
    tickets = {"support": open_for(light_user, department),
               "billing": open_for(light_user, other_department)}  # fmt: skip
    for ticket in tickets.values():
        services.trash_ticket(ticket=ticket, actor=remover)
    return tickets


def may_delete_tickets(user):
    user.can_delete_tickets = True
    user.save(update_fields=["can_delete_tickets"])
    return user


@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_sees_their_part_of_the_trash(request, person, trashed):
    from tickets.permissions import trashed_tickets

    user = may_delete_tickets(request.getfixturevalue(person))
    expected = {
        "agent": {"support"}, "manager": {"support"}, "other_agent": {"billing"},
        "administrator": {"support", "billing"},
    }.get(person, set())  # fmt: skip
    assert set(trashed_tickets(user)) == {trashed[name] for name in expected}


def test_an_agent_without_the_right_to_delete_sees_no_trash(agent, trashed):
    from tickets.permissions import trashed_tickets

    assert not agent.can_delete_tickets
    assert not trashed_tickets(agent).exists()
    assert not trashed_tickets(AnonymousUser()).exists()


@pytest.mark.parametrize("person", ["agent", "administrator"])
def test_a_person_made_inactive_sees_no_trash(request, person, trashed):
    from tickets.permissions import trashed_tickets

    user = may_delete_tickets(request.getfixturevalue(person))
    assert trashed_tickets(user).exists()
    deactivate(user)
    assert not trashed_tickets(user).exists()
    with pytest.raises(services.NotAllowed):
        services.restore_ticket(ticket=trashed["support"], actor=user)


def test_an_agent_cannot_restore_a_ticket_of_another_department(client, agent, trashed):
    may_delete_tickets(agent)
    client.force_login(agent)
    billing, support = trashed["billing"], trashed["support"]
    assert client.post(reverse("agent:restore", args=[billing.number])).status_code == 404
    with pytest.raises(services.NotAllowed):
        services.restore_ticket(ticket=billing, actor=agent)
    billing.refresh_from_db()
    assert billing.trashed_at is not None
    assert client.post(reverse("agent:restore", args=[support.number])).status_code == 302
    support.refresh_from_db()
    assert support.trashed_at is None


def test_the_trash_page_lists_only_the_agents_departments(client, agent, administrator, trashed):
    may_delete_tickets(agent)
    client.force_login(agent)
    listed = client.get(reverse("agent:trash_list")).context["page"].object_list
    assert list(listed) == [trashed["support"]]
    client.force_login(administrator)
    listed = client.get(reverse("agent:trash_list")).context["page"].object_list
    assert set(listed) == set(trashed.values())


def test_the_trash_is_seen_by_administrators_and_those_who_may_delete(
    agent, administrator, light_user
):
    from django.contrib.auth.models import AnonymousUser

    from tickets.permissions import may_see_trash

    assert not may_see_trash(AnonymousUser())
    assert not may_see_trash(light_user)
    assert not may_see_trash(agent)
    assert may_see_trash(administrator)
    agent.can_delete_tickets = True
    assert may_see_trash(agent)
    agent.is_active = False
    assert not may_see_trash(agent)


# Claiming means responsibility (S3 §3): of the ticket's department, only the agent who
# claimed it, a manager and an administrator change it; a teammate takes it over first.
CLAIMING_PEOPLE = ["owner", "teammate", "manager", "administrator", "other_agent"]
CLAIMED = {
    "holds": {"owner", "manager", "administrator"},
    "may_answer": {"owner", "manager", "administrator"},
    "may_edit": {"owner", "manager", "administrator"},
    "may_transfer": {"owner", "manager", "administrator"},
    "may_take_over": {"teammate", "manager"},
}
UNCLAIMED = {
    "holds": {"manager", "administrator"},
    "may_answer": {"owner", "teammate", "manager", "administrator"},
    "may_edit": {"manager", "administrator"},
    "may_transfer": {"manager", "administrator"},
    "may_take_over": set(),
}


@pytest.fixture
def claiming_people(agent, manager, administrator, other_agent, department):
    teammate = AgentFactory(email="teammate@helpdesk.example", departments=[department])
    return {"owner": agent, "teammate": teammate, "manager": manager,
            "administrator": administrator, "other_agent": other_agent}  # fmt: skip


@pytest.mark.parametrize("person", CLAIMING_PEOPLE)
@pytest.mark.parametrize("predicate", sorted(CLAIMED))
def test_only_the_owner_a_manager_or_an_administrator_change_a_claimed_ticket(
    claiming_people, ticket, person, predicate
):
    from tickets import permissions

    services.claim_ticket(ticket=ticket, actor=claiming_people["owner"])
    ticket.refresh_from_db()
    allowed = getattr(permissions, predicate)(claiming_people[person], ticket)
    assert allowed == (person in CLAIMED[predicate])


@pytest.mark.parametrize("person", CLAIMING_PEOPLE)
@pytest.mark.parametrize("predicate", sorted(UNCLAIMED))
def test_an_unclaimed_ticket_is_answered_by_its_department_and_changed_after_claiming(
    claiming_people, ticket, person, predicate
):
    from tickets import permissions

    allowed = getattr(permissions, predicate)(claiming_people[person], ticket)
    assert allowed == (person in UNCLAIMED[predicate])


@pytest.mark.parametrize("person", CLAIMING_PEOPLE)
def test_notes_stay_open_to_every_agent_who_works_on_a_claimed_ticket(
    claiming_people, ticket, person
):
    from tickets import permissions

    services.claim_ticket(ticket=ticket, actor=claiming_people["owner"])
    ticket.refresh_from_db()
    works = permissions.works_on(claiming_people[person], ticket)
    assert works == (person != "other_agent")
