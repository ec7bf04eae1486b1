"""A mail tells a person their password was changed (issue 15 item 7), through the outbox, in
their language, whether they changed it signed in or chose it through a reset link."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.helpers import link_in_last_mail
from mail.models import OutboundEmail

pytestmark = pytest.mark.django_db

NEW = "a-brand-new-passphrase"


def test_changing_the_password_mails_a_notice_in_portuguese(client, light_user, password):
    light_user.language = "pt-br"
    light_user.save(update_fields=["language"])
    client.force_login(light_user)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": NEW, "new_password2": NEW},
    )
    row = OutboundEmail.objects.get(template="accounts/password_changed")
    assert row.to == light_user.email
    (notice,) = mail.outbox
    assert notice.subject == "Sua senha foi alterada"
    assert "A senha da sua conta foi alterada em " in notice.body
    assert "Se não foi você, escolha uma nova senha agora mesmo e nos avise:" in notice.body
    assert reverse("accounts:password_reset") in notice.body


def test_a_failed_change_mails_nothing(client, light_user):
    client.force_login(light_user)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert not OutboundEmail.objects.filter(template="accounts/password_changed").exists()


def test_a_password_chosen_through_a_reset_link_is_noticed_too(client, light_user):
    client.post(reverse("accounts:password_reset"), {"email": light_user.email})
    set_url = client.get(link_in_last_mail(light_user.email), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    notice = mail.outbox[-1]
    assert notice.subject == "Your password was changed"
    assert "The password of your account was changed on " in notice.body
