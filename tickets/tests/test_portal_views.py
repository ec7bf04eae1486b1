import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import CustomerFactory as UserFactory
from mail.models import OutboundEmail
from tickets import services
from tickets.models import GuestLink, Ticket
from tickets.search import refresh_search
from tickets.tests.factories import CategoryFactory, EntryFactory, TicketFactory
from tickets.tests.fixtures import bomb_upload, drop_kept, open_for, png_upload
from tickets.workflow import Status

pytestmark = pytest.mark.django_db

NEW = reverse("tickets:new")


@pytest.fixture
def form_data(department, normal_priority):
    category = CategoryFactory(name="Question")
    return {
        "title": "Invoices do not print",
        "department": department.id,
        "category": category.id,
        "priority": normal_priority.id,
        "body": "<div>The <strong>printer</strong> says no.</div>",
        "links": "https://example.com/screenshot",
    }


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_a_customer_opens_a_ticket_and_sees_its_number(client, light_user, form_data):
    client.force_login(light_user)
    response = client.post(NEW, {**form_data, "attachments": [png_upload()]}, follow=True)
    ticket = Ticket.objects.get()
    assert response.redirect_chain[-1][0] == reverse("tickets:detail", args=[ticket.number])
    html = response.content.decode()
    assert f"Ticket #{ticket.number} is open" in html
    assert "<strong>printer</strong>" in html
    assert "screen.png" in html
    assert "https://example.com/screenshot" in html
    assert ticket.requester == light_user
    assert ticket.channel == Ticket.Channel.PORTAL
    assert mail.outbox[0].subject.startswith(f"[#{ticket.number}]")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"department": ""}, "department", "This field is required."),
        ({"category": ""}, "category", "This field is required."),
        ({"body": "<p> </p>"}, "body", "This field is required."),
        ({"body": "<script>alert(1)</script>"}, "body", "This field is required."),
        ({"links": "javascript:alert(1)"}, "links", "not http or https links"),
        ({"links": "ftp://example.com/x"}, "links", "not http or https links"),
    ],
)
def test_each_new_ticket_error_stands_next_to_its_field(
    client, light_user, form_data, change, field, message
):
    client.force_login(light_user)
    response = client.post(NEW, {**form_data, **change})
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field))
    assert not Ticket.objects.exists()


def test_new_ticket_errors_keep_what_was_typed(client, light_user, form_data):
    client.force_login(light_user)
    response = client.post(NEW, {**form_data, "title": ""})
    html = response.content.decode()
    assert "The &lt;strong&gt;printer&lt;/strong&gt; says no." in html  # the editor's value
    assert "https://example.com/screenshot" in html


def test_a_category_of_another_department_is_refused(
    client, light_user, form_data, other_department
):
    client.force_login(light_user)
    foreign = CategoryFactory(name="Boletos", department=other_department)
    response = client.post(NEW, {**form_data, "category": foreign.id})
    assert field_errors(response, "category") == ["Choose a category of the department you chose."]


def test_a_category_that_demands_a_file_says_so_next_to_the_field(
    client, light_user, form_data, nonconformity
):
    client.force_login(light_user)
    page = client.get(NEW).content.decode()
    assert 'data-requires-attachment="true"' in page
    response = client.post(NEW, {**form_data, "category": nonconformity.id})
    assert field_errors(response, "attachments") == [
        "Nonconformity tickets need an attachment, such as a screenshot of the error."
    ]
    ok = client.post(
        NEW, {**form_data, "category": nonconformity.id, "attachments": [png_upload()]}
    )
    assert ok.status_code == 302


def test_categories_carry_their_department_for_the_browser(
    client, light_user, department, other_department
):
    CategoryFactory(name="Boletos", department=other_department)
    client.force_login(light_user)
    html = client.get(NEW).content.decode()
    assert re.search(rf'data-department="{other_department.id}"[^>]*>Boletos', html)


@override_settings(TICKET_ATTACHMENTS_MAX_BYTES=1000)
def test_files_over_the_limit_are_refused(client, light_user, form_data):
    client.force_login(light_user)
    big = SimpleUploadedFile("log.txt", b"x" * 1200)
    response = client.post(NEW, {**form_data, "attachments": [big]})
    assert "one message may carry at most 1000" in field_errors(response, "attachments")[0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ....", "this type of file is not accepted"),
        ("page.svg", b"<svg onload=alert(1)>", "this type of file is not accepted"),
        ("fake.pdf", b"MZ not a pdf", "is not really a .pdf file"),
        ("fake.png", b"not an image", "is not a valid image"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_bad_files_are_named_in_the_error(client, light_user, form_data, name, content, message):
    client.force_login(light_user)
    response = client.post(NEW, {**form_data, "attachments": [SimpleUploadedFile(name, content)]})
    assert any(message in error for error in field_errors(response, "attachments"))
    assert not Ticket.objects.exists()


def test_file_names_are_cleaned_and_downloads_carry_type_and_disposition(
    client, light_user, form_data
):
    client.force_login(light_user)
    upload = SimpleUploadedFile("../../etc/Relatório final; rm -rf.TXT", b"hello")
    client.post(NEW, {**form_data, "attachments": [upload]})
    attachment = Ticket.objects.get().entries.get().attachments.get()
    assert attachment.name == "Relatório_final_rm_-rf.txt"
    assert ".." not in attachment.file.name
    response = client.get(
        reverse("tickets:attachment", args=[attachment.entry.ticket.number, attachment.id])
    )
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"hello"


def test_images_are_shown_inline_with_a_thumbnail(client, light_user, form_data):
    client.force_login(light_user)
    client.post(NEW, {**form_data, "attachments": [png_upload()]})
    ticket = Ticket.objects.get()
    attachment = ticket.entries.get().attachments.get()
    full = client.get(reverse("tickets:attachment", args=[ticket.number, attachment.id]))
    assert full["Content-Disposition"].startswith("inline;")
    thumb = client.get(reverse("tickets:thumbnail", args=[ticket.number, attachment.id]))
    assert thumb["Content-Type"] == "image/png"
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert reverse("tickets:thumbnail", args=[ticket.number, attachment.id]) in page


# Guests


@pytest.fixture
def guest_data(form_data):
    return {**form_data, "full_name": "Gabi Guest", "email": "gabi@example.com", "phone": ""}


@pytest.mark.parametrize("known", [False, True])
def test_a_guest_gets_the_same_answer_whether_or_not_the_address_is_known(
    client, guest_data, light_user, known
):
    email = light_user.email if known else "gabi@example.com"
    response = client.post(NEW, {**guest_data, "email": email})
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("tickets:guest_sent")
    page = client.get(response["Location"]).content.decode()
    assert "Check your e-mail" in page
    assert light_user.full_name not in page
    # Neither browser reads the ticket before following the receipt's link.
    assert client.get(reverse("tickets:detail", args=[ticket.number])).status_code == 302
    assert ticket.channel == Ticket.Channel.GUEST
    assert [m.to for m in mail.outbox] == [[email]]
    assert f"#{ticket.number}" in mail.outbox[0].subject


def test_a_guest_writing_from_a_known_address_is_not_let_into_the_ticket(
    client, guest_data, light_user
):
    response = client.post(NEW, {**guest_data, "email": light_user.email})
    ticket = Ticket.objects.get()
    assert ticket.requester == light_user
    assert response["Location"] == reverse("tickets:guest_sent")
    page = client.get(response["Location"]).content.decode()
    assert light_user.email in page
    assert light_user.full_name not in page
    assert light_user.organization.name not in page
    assert client.get(reverse("tickets:detail", args=[ticket.number])).status_code == 302
    # The owner gets the receipt with the link, as for any guest ticket.
    assert mail.outbox[0].to == [light_user.email]
    assert f"#{ticket.number}" in mail.outbox[0].subject


def test_a_second_guest_ticket_from_the_same_address_is_read_through_the_mailed_link(
    client, guest_data
):
    client.post(NEW, guest_data)
    client.cookies.clear()
    response = client.post(NEW, {**guest_data, "title": "Another one"})
    assert response["Location"] == reverse("tickets:guest_sent")
    second = Ticket.objects.get(title="Another one")
    assert client.get(reverse("tickets:detail", args=[second.number])).status_code == 302


def test_the_guest_form_asks_who_they_are(client, guest_data):
    response = client.post(NEW, {**guest_data, "full_name": "", "email": "nope"})
    assert field_errors(response, "full_name") == ["This field is required."]
    assert field_errors(response, "email") == ["Enter a valid email address."]


def test_a_bot_filling_the_honeypot_opens_nothing(client, guest_data):
    response = client.post(NEW, {**guest_data, "website": "http://spam.example"})
    assert response.status_code == 200
    assert not Ticket.objects.exists()


@override_settings(GUEST_TICKETS_PER_ADDRESS_PER_HOUR=2)
def test_guest_tickets_are_rate_limited(client, guest_data):
    for _ in range(2):
        client.post(NEW, guest_data)
    response = client.post(NEW, guest_data)
    assert "Too many tickets from your network" in response.content.decode()
    assert Ticket.objects.count() == 2


def test_a_guest_who_signs_up_later_finds_their_tickets(client, guest_data):
    client.post(NEW, guest_data)
    client.cookies.clear()
    client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Gabi Guest", "email": "gabi@example.com",
            "email_confirmation": "gabi@example.com", "password1": "a-long-unusual-phrase",
            "password2": "a-long-unusual-phrase",
        },
    )  # fmt: skip
    # The guest's person has no password: the mail lets them choose one, which confirms them.
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.outbox[-1].body)
    form_page = client.get(link.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-unusual-phrase", "new_password2": "a-long-unusual-phrase"},
    )
    assert client.login(username="gabi@example.com", password="a-long-unusual-phrase")
    listing = client.get(reverse("tickets:list"))
    assert [t.title for t in listing.context["page"].object_list] == ["Invoices do not print"]
    assert User.objects.count() == 1


# Check ticket status


def test_status_check_answers_the_same_whether_or_not_the_pair_exists(client, ticket, light_user):
    url = reverse("tickets:status")
    right = client.post(url, {"email": light_user.email.upper(), "number": f"#{ticket.number}"})
    wrong = client.post(url, {"email": "nobody@example.com", "number": str(ticket.number)})
    missing = client.post(url, {"email": light_user.email, "number": "999999"})
    texts = {
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode()).replace(
            r.context["email"], "EMAIL"
        )
        for r in (right, wrong, missing)
    }
    assert len(texts) == 1
    assert len(mail.outbox) == 2  # the receipt, then one status link
    assert mail.outbox[-1].to == [light_user.email]


def test_status_check_errors_stand_next_to_the_fields(client):
    response = client.post(reverse("tickets:status"), {"email": "x", "number": "abc"})
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert response.context["form"].errors["number"] == [
        "Enter the ticket's number, such as 123456."
    ]


def status_link(client, email, number):
    client.post(reverse("tickets:status"), {"email": email, "number": number})
    return re.search(r"http://testserver(/tickets/access/\S+)", mail.outbox[-1].body).group(1)


def test_checking_a_real_pair_or_a_made_up_one_answers_and_queues_the_same(
    ticket, light_user, django_capture_on_commit_callbacks
):
    answers = []
    for email in (light_user.email, "nobody@example.com"):
        with django_capture_on_commit_callbacks() as queued:
            response = Client().post(
                reverse("tickets:status"), {"email": email, "number": ticket.number}
            )
        tasks = [callback for callback in queued if "enqueue_on_commit" in callback.__qualname__]
        answers.append((response.status_code, len(tasks)))
        assert "Check your e-mail" in response.content.decode()
    assert answers == [(200, 1), (200, 1)]  # the look-up and the mail are a worker's


def test_the_status_link_opens_that_ticket_alone(client, ticket, light_user, department):
    other = open_for(light_user, department, title="Another one")
    link = status_link(client, light_user.email, ticket.number)
    response = client.get(link, follow=True)
    assert response.context["ticket"] == ticket
    assert response.context["may_act"]
    assert client.get(reverse("tickets:detail", args=[other.number])).status_code == 404
    assert client.get(reverse("tickets:list")).status_code == 302


def test_the_guest_link_lets_them_reply_close_and_rate(client, ticket, light_user):
    client.get(status_link(client, light_user.email, ticket.number))
    client.post(
        reverse("tickets:reply", args=[ticket.number]), {"reply-body": "<p>From the link</p>"}
    )
    client.post(reverse("tickets:close", args=[ticket.number]), {"confirm": "yes"})
    client.post(reverse("tickets:rate", args=[ticket.number]), {"rating-score": "5"})
    ticket.refresh_from_db()
    assert ticket.entries.filter(kind="reply", author=light_user).exists()
    assert ticket.status == "closed"
    assert ticket.rating.score == 5


def test_a_tampered_or_expired_link_is_refused(client, ticket, light_user, settings):
    link = status_link(client, light_user.email, ticket.number)
    assert client.get(link[:-3] + "xyz/").status_code == 400
    settings.GUEST_LINK_MAX_AGE_SECONDS = -1
    assert client.get(link).status_code == 400


def test_a_link_stops_working_when_the_requester_address_changes(client, ticket, light_user):
    link = status_link(client, light_user.email, ticket.number)
    User.objects.filter(id=light_user.id).update(email="new@acme.example")
    assert client.get(link).status_code == 400


def test_a_link_names_no_address_and_only_its_hash_is_kept(client, ticket, light_user):
    link = status_link(client, light_user.email, ticket.number)
    token = link.split("/")[-2]
    assert light_user.email not in link
    stored = GuestLink.objects.get()
    assert stored.token_hash not in link
    assert len(stored.token_hash) == 64
    assert len(token) >= 43  # 32 random bytes
    client.get(link)
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_the_customer_revokes_the_links_and_they_stop_working_everywhere(
    client, ticket, light_user
):
    link = status_link(client, light_user.email, ticket.number)
    other_browser = Client()
    assert other_browser.get(link, follow=True).context["ticket"] == ticket
    client.force_login(light_user)
    response = client.post(reverse("tickets:revoke_links", args=[ticket.number]), follow=True)
    assert "has stopped working" in response.content.decode()
    assert Client().get(link).status_code == 400
    # A browser that followed the link before loses the ticket too.
    detail = reverse("tickets:detail", args=[ticket.number])
    assert other_browser.get(detail).status_code == 302
    # A link mailed afterwards works.
    client.logout()
    assert client.get(status_link(client, light_user.email, ticket.number)).status_code == 302


def test_a_guest_revokes_the_links_from_the_ticket_page(client, ticket, light_user):
    client.get(status_link(client, light_user.email, ticket.number))
    response = client.post(reverse("tickets:revoke_links", args=[ticket.number]))
    assert response["Location"] == reverse("tickets:status")
    assert client.get(reverse("tickets:detail", args=[ticket.number])).status_code == 302


def test_an_outsider_cannot_revoke_someone_elses_links(client, ticket, light_user, outsider):
    link = status_link(client, light_user.email, ticket.number)
    client.force_login(outsider)
    assert client.post(reverse("tickets:revoke_links", args=[ticket.number])).status_code == 404
    assert Client().get(link).status_code == 302


def test_an_agent_revokes_a_tickets_links_from_the_panel(client, ticket, light_user, agent):
    link = status_link(client, light_user.email, ticket.number)
    client.force_login(agent)
    page = client.get(reverse("agent:ticket", args=[ticket.number])).content.decode()
    assert "Revoke access links" in page
    client.post(reverse("agent:revoke_links", args=[ticket.number]))
    assert Client().get(link).status_code == 400


def test_an_agent_of_another_department_cannot_revoke_the_links(
    client, ticket, light_user, other_agent
):
    link = status_link(client, light_user.email, ticket.number)
    client.force_login(other_agent)
    response = client.post(reverse("agent:revoke_links", args=[ticket.number]))
    assert response.status_code in (403, 404)
    assert Client().get(link).status_code == 302


def test_signing_in_or_out_drops_what_a_guest_link_granted(client, ticket, light_user, password):
    detail = reverse("tickets:detail", args=[ticket.number])
    client.get(status_link(client, light_user.email, ticket.number))
    client.post(
        reverse("accounts:login"), {"username": outsider_email(client), "password": password}
    )
    assert client.get(detail).status_code == 404
    client.post(reverse("accounts:logout"))
    client.get(status_link(client, light_user.email, ticket.number))
    client.post(reverse("accounts:logout"))
    assert client.get(detail).status_code == 302


def outsider_email(client):
    return UserFactory(email="someone.else@example.com", password="correct-horse-battery").email


# The list


def test_closed_filter_means_closed_not_resolved(client, light_user, department):
    from tickets import workflow

    resolved = TicketFactory(requester=light_user, department=department, title="resolved one")
    closed = TicketFactory(requester=light_user, department=department, title="closed one")
    workflow.apply(resolved, "resolve")
    resolved.save()
    workflow.apply(closed, "finalize")
    closed.save()
    client.force_login(light_user)
    open_page = client.get(reverse("tickets:list"))
    closed_page = client.get(reverse("tickets:list"), {"state": "closed"})
    assert [t.title for t in open_page.context["page"].object_list] == ["resolved one"]
    assert [t.title for t in closed_page.context["page"].object_list] == ["closed one"]


def test_text_search_covers_number_title_and_messages(client, light_user, department):
    by_title = TicketFactory(requester=light_user, department=department, title="Printer jam")
    by_message = TicketFactory(requester=light_user, department=department, title="Other")
    EntryFactory(ticket=by_message, body_text="the printer is on fire")
    TicketFactory(requester=light_user, department=department, title="Unrelated")
    hidden = TicketFactory(requester=light_user, department=department, title="Secret")
    EntryFactory(ticket=hidden, is_public=False, kind="note", body_text="printer note")
    # Factories skip the services that keep the search words (PostgreSQL): written here.
    refresh_search(Ticket.objects.values_list("id", flat=True))
    client.force_login(light_user)

    def found(q):
        page = client.get(reverse("tickets:list"), {"q": q}).context["page"]
        return {t.id for t in page.object_list}

    assert found("printer") == {by_title.id, by_message.id}
    # A number typed opens its ticket (tickets/tests of the number search: every persona).
    response = client.get(reverse("tickets:list"), {"q": f"#{by_message.number}"})
    assert response.url == reverse("tickets:detail", args=[by_message.number])


def test_master_sees_the_organization_with_who_opened_each(
    client, master_user, light_user, colleague, outsider, department
):
    mine = TicketFactory(requester=master_user, department=department, title="mine")
    theirs = TicketFactory(requester=colleague, department=department, title="colleague's")
    TicketFactory(requester=outsider, department=department, title="other company")
    client.force_login(master_user)
    org = client.get(reverse("tickets:list"), {"scope": "organization"})
    assert {t.id for t in org.context["page"].object_list} == {mine.id, theirs.id}
    html = org.content.decode()
    assert colleague.full_name in html
    assert "Opened by a colleague" in html
    own = client.get(reverse("tickets:list"))
    assert {t.id for t in own.context["page"].object_list} == {mine.id}
    by_person = client.get(
        reverse("tickets:list"), {"scope": "organization", "person": colleague.id}
    )
    assert {t.id for t in by_person.context["page"].object_list} == {theirs.id}


def test_a_light_user_cannot_ask_for_the_organization(client, light_user, colleague, department):
    TicketFactory(requester=colleague, department=department)
    client.force_login(light_user)
    response = client.get(reverse("tickets:list"), {"scope": "organization"})
    assert list(response.context["page"].object_list) == []


def test_list_filters_by_department_and_category_and_sorts(
    client, light_user, department, other_department
):
    category = CategoryFactory(name="Question")
    a = TicketFactory(
        requester=light_user, department=department, title="b title", category=category
    )
    b = TicketFactory(requester=light_user, department=other_department, title="a title")
    client.force_login(light_user)

    def titles(**query):
        return [
            t.title for t in client.get(reverse("tickets:list"), query).context["page"].object_list
        ]

    assert titles(department=department.id) == [a.title]
    assert titles(category=category.id) == [a.title]
    assert titles(sort="title") == ["a title", "b title"]
    by_number = sorted([a, b], key=lambda ticket: ticket.number, reverse=True)
    assert titles(sort="-number") == [ticket.title for ticket in by_number]


def test_list_paginates_by_next_and_previous_links(client, light_user, department, settings):
    settings.TICKETS_PER_PAGE = 5
    for n in range(12):
        TicketFactory(requester=light_user, department=department, title=f"t{n}")
    client.force_login(light_user)
    seen, query, pages = [], {"sort": "title"}, []
    while True:
        page = client.get(reverse("tickets:list"), query).context["page"]
        pages.append(page)
        seen += [t.title for t in page.object_list]
        if not page.has_next:
            break
        query = {"sort": "title", "after": page.next_cursor, "page": page.next_page_number}
    assert seen == sorted(f"t{n}" for n in range(12))
    assert [len(p.object_list) for p in pages] == [5, 5, 2]
    assert [p.number for p in pages] == [1, 2, 3]
    back = client.get(
        reverse("tickets:list"),
        {"sort": "title", "before": pages[2].previous_cursor, "page": 2},
    ).context["page"]
    assert [t.title for t in back.object_list] == [t.title for t in pages[1].object_list]
    assert back.has_previous
    assert back.has_next


def test_a_page_link_of_another_sort_shows_the_first_page(client, light_user, department, settings):
    settings.TICKETS_PER_PAGE = 2
    for n in range(3):
        TicketFactory(requester=light_user, department=department, title=f"t{n}")
    client.force_login(light_user)
    by_title = client.get(reverse("tickets:list"), {"sort": "title"}).context["page"]
    # A title where a date is expected: on PostgreSQL an error, were the cursor applied.
    response = client.get(
        reverse("tickets:list"), {"sort": "-updated", "after": by_title.next_cursor, "page": 2}
    )
    assert response.status_code == 200
    page = response.context["page"]
    assert page.number == 1
    assert len(page.object_list) == 2


def test_a_tampered_page_link_shows_the_first_page(client, light_user, department):
    TicketFactory(requester=light_user, department=department)
    client.force_login(light_user)
    page = client.get(reverse("tickets:list"), {"after": "forged", "page": 9}).context["page"]
    assert page.number == 1
    assert len(page.object_list) == 1


def count_list_queries(client, user, rows, department):
    TicketFactory.create_batch(rows, requester=user, department=department)
    client.force_login(user)
    drop_kept()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("tickets:list"), {"scope": "organization", "state": "all"})
    assert response.status_code == 200
    return len(captured), len(response.context["page"].object_list)


def test_the_list_runs_the_same_queries_for_20_rows_as_for_200(
    client, master_user, department, settings
):
    settings.TICKETS_PER_PAGE = 20
    few, shown = count_list_queries(client, master_user, 20, department)
    assert shown == 20
    settings.TICKETS_PER_PAGE = 200
    many, shown = count_list_queries(client, master_user, 180, department)
    assert shown == 200
    assert few == many
    assert many <= 8


def test_the_ticket_page_runs_a_fixed_number_of_queries(client, light_user, department):
    ticket = open_for(light_user, department, files=[png_upload()], links=["https://a.example"])
    client.force_login(light_user)

    def count():
        drop_kept()
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("tickets:detail", args=[ticket.number]))
        return len(captured)

    before = count()
    for _ in range(10):
        EntryFactory(ticket=ticket, author=light_user)
    assert count() == before


def test_replying_to_a_ticket_closed_meanwhile_is_told_not_crashed(client, ticket, light_user):
    from tickets import services

    client.force_login(light_user)
    services.close_ticket(ticket=ticket, actor=light_user)
    response = client.post(
        reverse("tickets:reply", args=[ticket.number]), {"reply-body": "<p>late</p>"}, follow=True
    )
    assert "The ticket changed in the meantime; nothing was done." in response.content.decode()
    assert not ticket.entries.filter(kind="reply").exists()


def test_rating_twice_is_told_not_crashed(client, ticket, light_user):
    from tickets import services

    client.force_login(light_user)
    services.close_ticket(ticket=ticket, actor=light_user)
    url = reverse("tickets:rate", args=[ticket.number])
    client.post(url, {"rating-score": "5"})
    response = client.post(url, {"rating-score": "1"}, follow=True)
    assert "nothing was done" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.rating.score == 5


def test_the_customer_sees_the_progress_step_and_the_agents_message(
    client, ticket, agent, light_user
):
    from tickets.tests.factories import ProgressLabelFactory

    label = ProgressLabelFactory(name="Under analysis", name_pt_br="Em análise")
    services.claim_ticket(ticket=ticket, actor=agent)
    services.set_progress(
        ticket=ticket, actor=agent, label=label, body_html="<p>Looking at the logs.</p>"
    )
    client.force_login(light_user)
    url = reverse("tickets:detail", args=[ticket.number])
    html = client.get(url).content.decode()
    assert "Progress: Under analysis" in html
    assert "Looking at the logs." in html
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert "Em análise" in html


def test_with_the_cache_down_every_write_of_the_portal_is_saved_with_its_mail(
    dead_cache, client, light_user, password, guest_data, form_data
):
    response = client.post(NEW, guest_data)
    assert response.status_code == 302
    guest_ticket = Ticket.objects.get(channel=Ticket.Channel.GUEST)
    client.post(reverse("accounts:logout"))
    assert client.post(
        reverse("accounts:login"), {"username": light_user.email, "password": password}
    ).status_code == 302  # fmt: skip
    assert client.post(NEW, form_data).status_code == 302
    ticket = Ticket.objects.exclude(id=guest_ticket.id).get()
    detail = reverse("tickets:detail", args=[ticket.number])
    assert client.get(detail).status_code == 200
    assert client.get(reverse("tickets:list")).status_code == 200
    reply = client.post(
        reverse("tickets:reply", args=[ticket.number]), {"reply-body": "<p>More</p>"}
    )
    assert reply["Location"] == detail
    client.post(reverse("tickets:close", args=[ticket.number]), {"confirm": "yes"})
    client.post(reverse("tickets:rate", args=[ticket.number]), {"rating-score": "5"})
    ticket.refresh_from_db()
    assert ticket.entries.filter(kind="reply", body_html="<p>More</p>").exists()
    assert ticket.rating.score == 5
    assert {m.to[0] for m in mail.outbox} == {"gabi@example.com", light_user.email}
    assert OutboundEmail.objects.filter(template="tickets/reply_received").exists()


# Images that would take a worker's memory


BOMB_MESSAGE = "huge.png has too many pixels to be shown safely"


def test_an_image_bomb_on_the_ticket_form_is_refused_next_to_the_field(
    client, light_user, form_data
):
    client.force_login(light_user)
    response = client.post(NEW, {**form_data, "attachments": [bomb_upload()]})
    assert response.status_code == 200
    assert BOMB_MESSAGE in field_errors(response, "attachments")[0]
    assert "40 megapixels" in field_errors(response, "attachments")[0]
    page = response.content.decode()
    assert 'value="Invoices do not print"' in page
    assert "&lt;strong&gt;printer&lt;/strong&gt; says no." in page
    assert not Ticket.objects.exists()


def test_an_image_bomb_on_the_guest_form_is_refused_next_to_the_field(client, guest_data):
    response = client.post(NEW, {**guest_data, "attachments": [png_upload(), bomb_upload()]})
    assert BOMB_MESSAGE in field_errors(response, "attachments")[0]
    assert 'value="gabi@example.com"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_image_bomb_in_a_reply_is_refused_next_to_the_field(client, ticket, light_user):
    client.force_login(light_user)
    response = client.post(
        reverse("tickets:reply", args=[ticket.number]),
        {"reply-body": "<p>Here it is</p>", "reply-attachments": [bomb_upload()]},
    )
    assert BOMB_MESSAGE in response.context["reply_form"].errors["attachments"][0]
    assert "Here it is" in response.content.decode()
    assert not ticket.entries.filter(kind="reply").exists()


def test_a_master_reads_a_colleagues_waiting_ticket_as_waiting_for_its_requester(
    client, master_user, colleague, department
):
    theirs = open_for(colleague, department, title="Do colega")
    mine = open_for(master_user, department, title="Meu")
    Ticket.objects.filter(id__in=[theirs.id, mine.id]).update(status=Status.WAITING_CUSTOMER)
    client.force_login(master_user)
    listed = client.get(
        reverse("tickets:list"), {"scope": "organization"}, HTTP_ACCEPT_LANGUAGE="pt-br"
    ).content.decode()
    assert listed.count("Esperando resposta do solicitante") == 1  # the colleague's
    assert listed.count("Esperando sua resposta") == 1  # the master's own
    page = client.get(reverse("tickets:detail", args=[theirs.number]), HTTP_ACCEPT_LANGUAGE="pt-br")
    assert "Esperando resposta do solicitante" in page.content.decode()
    client.force_login(colleague)
    own = client.get(reverse("tickets:detail", args=[theirs.number]), HTTP_ACCEPT_LANGUAGE="pt-br")
    assert "Esperando sua resposta" in own.content.decode()
