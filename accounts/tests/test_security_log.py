from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import security_log
from accounts.models import DepartmentMembership, SecurityEvent
from accounts.tasks import purge_security_log
from accounts.tests.helpers import link_in_last_mail
from accounts.tests.two_factor_helpers import turn_on

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0"


def events(kind):
    return list(SecurityEvent.objects.filter(kind=kind))


def login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password},
                       HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")  # fmt: skip


def test_a_sign_in_is_logged_with_address_and_browser(client, light_user, password):
    login(client, light_user.email, password)
    [event] = events("login")
    assert (event.user, event.ip, event.user_agent) == (light_user, "203.0.113.7", BROWSER)
    assert event.details == {"second_factor": ""}


def test_a_sign_in_with_a_code_says_which_factor(client, light_user, password):
    code = turn_on(light_user)[0]
    login(client, light_user.email, password)
    assert events("login") == []  # the password alone signs nobody in
    client.post(reverse("accounts:login_code"), {"code": code})
    [event] = events("login")
    assert event.details == {"second_factor": "recovery"}


def test_a_failed_sign_in_is_logged_with_the_address_typed(client, light_user):
    login(client, light_user.email, "wrong")
    login(client, "nobody@example.com", "wrong")
    known, unknown = sorted(events("login_failed"), key=lambda e: e.id)
    assert (known.user, known.email, known.ip) == (light_user, light_user.email, "203.0.113.7")
    assert (unknown.user, unknown.email) == (None, "nobody@example.com")


def test_a_lock_out_is_logged(client, light_user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    for _ in range(3):
        login(client, light_user.email, "wrong")
    [event] = events("lockout")
    assert (event.email, event.details) == (light_user.email, {"step": "password"})


def test_a_wrong_code_is_logged(client, light_user, password):
    turn_on(light_user)
    login(client, light_user.email, password)
    client.post(reverse("accounts:login_code"), {"code": "000000"})
    [event] = events("two_factor_failed")
    assert event.user == light_user


def test_sign_out_is_logged(client, light_user, password):
    login(client, light_user.email, password)
    client.post(reverse("accounts:logout"))
    assert [e.user for e in events("logout")] == [light_user]


def test_two_factor_changes_are_logged(client, light_user, password):
    turn_on(light_user)
    client.force_login(light_user)
    manage = reverse("accounts:two_factor_manage")
    client.post(manage, {"action": "codes", "secret": password})
    client.post(manage, {"action": "off", "secret": password})
    assert [e.user for e in events("two_factor_enabled")] == [light_user]
    assert [e.actor for e in events("recovery_codes_regenerated")] == [light_user]
    assert [e.user for e in events("two_factor_disabled")] == [light_user]


def test_password_reset_requested_and_done_are_logged(client, light_user):
    client.post(reverse("accounts:password_reset"), {"email": light_user.email})
    client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    requested = sorted(events("password_reset_requested"), key=lambda e: e.id)
    assert [(e.user, e.email) for e in requested] == [
        (light_user, light_user.email), (None, "nobody@example.com"),
    ]  # fmt: skip
    form_page = client.get(link_in_last_mail(light_user.email), follow=True)
    new = "another-long-phrase-1"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert [e.user for e in events("password_reset_done")] == [light_user]


def test_a_password_change_is_logged(client, light_user, password):
    client.force_login(light_user)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": "another-long-phrase-1",
        "new_password2": "another-long-phrase-1",
    })  # fmt: skip
    assert response["Location"] == reverse("accounts:password_change_done")
    assert [e.user for e in events("password_changed")] == [light_user]


def _user_change_data(user, memberships=()):
    data = {
        "email": user.email, "full_name": user.full_name, "phone": user.phone,
        "language": user.language, "role": user.role, "is_active": "on",
        "email_confirmed_at_0": "2026-01-01", "email_confirmed_at_1": "10:00:00",
        "can_edit_tickets": "on", "can_transfer_tickets": "on", "email_notifications": "on",
        "department_memberships-TOTAL_FORMS": str(len(memberships)),
        "department_memberships-INITIAL_FORMS": "0",
    }  # fmt: skip
    for n, (department, is_manager) in enumerate(memberships):
        data[f"department_memberships-{n}-department"] = str(department.id)
        if is_manager:
            data[f"department_memberships-{n}-is_manager"] = "on"
    return data


def test_a_role_change_in_the_admin_is_logged(client, administrator, light_user):
    client.force_login(administrator)
    data = _user_change_data(light_user) | {"role": "agent"}
    response = client.post(reverse("admin:accounts_user_change", args=[light_user.id]), data)
    assert response.status_code == 302
    [event] = events("role_changed")
    assert (event.user, event.actor) == (light_user, administrator)
    assert event.details == {"previous": "customer", "role": "agent"}


def test_department_changes_in_the_admin_are_logged(client, administrator, agent, department,
                                                    other_department):  # fmt: skip
    client.force_login(administrator)
    DepartmentMembership.objects.filter(user=agent).delete()
    data = _user_change_data(agent, [(other_department, True)])
    response = client.post(reverse("admin:accounts_user_change", args=[agent.id]), data)
    assert response.status_code == 302
    [event] = events("department_changed")
    assert event.user == agent
    assert event.actor == administrator
    assert event.details == {"department": other_department.name, "change": "added",
                             "is_manager": True}  # fmt: skip


def test_a_membership_removed_from_the_department_page_is_logged(client, administrator, agent,
                                                                 department):  # fmt: skip
    client.force_login(administrator)
    membership = DepartmentMembership.objects.get(user=agent, department=department)
    data = {
        "name": department.name, "name_pt_br": department.name_pt_br, "email": department.email,
        "position": department.position, "is_active": "on",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": str(membership.id), "memberships-0-user": str(agent.id),
        "memberships-0-department": str(department.id), "memberships-0-DELETE": "on",
    }  # fmt: skip
    response = client.post(reverse("admin:accounts_department_change", args=[department.id]),
                           data)  # fmt: skip
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    [event] = events("department_changed")
    assert (event.user, event.details["change"]) == (agent, "removed")


def test_record_is_there_for_other_code(rf, agent):
    request = rf.get("/", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="not an address")
    request.user = agent
    event = security_log.record("export", user=agent, request=request, rows=120)
    assert (event.actor, event.ip, event.details) == (agent, None, {"rows": 120})
    with pytest.raises(ValueError, match="unknown security event"):
        security_log.record("made-up", user=agent)


def test_the_log_keeps_180_days(light_user):
    old = security_log.record("login", user=light_user)
    kept = security_log.record("login", user=light_user)
    SecurityEvent.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=181))
    SecurityEvent.objects.filter(id=kept.id).update(created_at=timezone.now() - timedelta(days=179))
    assert purge_security_log.delay().get() == 1
    assert list(SecurityEvent.objects.all()) == [kept]


def test_the_purge_runs_on_the_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-security-log"]
    assert entry["task"] == purge_security_log.name


def test_administrators_read_the_log_filtered_and_cannot_change_it(client, administrator,
                                                                   light_user):  # fmt: skip
    security_log.record("login", user=light_user)
    security_log.record("login_failed", email="x@example.com")
    client.force_login(administrator)
    changelist = reverse("admin:accounts_securityevent_changelist")
    response = client.get(changelist, {"kind__exact": "login", "user__id__exact": light_user.id})
    assert [e.kind for e in response.context["cl"].result_list] == ["login"]
    assert client.get(changelist, {"created_at__year": timezone.now().year}).status_code == 200
    assert client.get(reverse("admin:accounts_securityevent_add")).status_code == 403
    event = SecurityEvent.objects.first()
    detail = reverse("admin:accounts_securityevent_change", args=[event.id])
    assert client.post(detail, {"kind": "logout"}).status_code == 403
    delete = reverse("admin:accounts_securityevent_delete", args=[event.id])
    assert client.get(delete).status_code == 403
