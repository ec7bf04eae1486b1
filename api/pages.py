"""The profile's page of personal API tokens: create (the secret shown once), list, revoke."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.twofactor.gate import refusal

from . import services
from .forms import TokenForm
from .models import ApiToken


@login_required
def tokens(request):
    # Staff bound by the two-factor policy set it up before a token can stand in for them.
    refused = refusal(request)
    if refused is not None:
        return refused
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _token, secret = services.create_api_token(
            actor=request.user, name=data["name"], can_write=data["can_write"],
            expires_at=timezone.now() + timedelta(days=data["days"]), request=request,
        )  # fmt: skip
        form = TokenForm()
    listed = ApiToken.objects.filter(user=request.user)
    return render(
        request, "api/tokens.html", {"form": form, "secret": secret, "tokens": listed,
                                     "now": timezone.now()}
    )  # fmt: skip


@login_required
@require_POST
def revoke(request, token_id):
    token = get_object_or_404(ApiToken, id=token_id, user=request.user)
    services.revoke_api_token(actor=request.user, token=token, request=request)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
