"""Canned replies (S3 "Respostas padrões"): one's own, shared with a department, edited by
their owner, a manager of that department or an administrator."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets.models import CannedReply

from . import permissions, services
from .forms import CannedReplyForm
from .search_views import panel_only


@panel_only
def canned_replies(request):
    """The agent's own canned replies, those of their departments, and a new one."""
    user = request.user
    form = CannedReplyForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        _save(user, form)
        messages.success(request, _("Your canned reply is saved."))
        return redirect("canned:list")
    mine = CannedReply.objects.filter(owner=user).select_related("department").order_by("title")
    shared = (
        CannedReply.objects.exclude(owner=user)
        .filter(
            Q(department_id__in=user.department_ids)
            | Q(department__isnull=True, owner__isnull=True)
        )
        .select_related("department", "owner")
        .order_by("title")
    )
    changeable = set(permissions.changeable_canned_replies(user).values_list("id", flat=True))
    context = {"form": form, "mine": mine, "shared": shared, "changeable": changeable}
    return render(request, "workspace/canned_replies.html", context)


@panel_only
def edit_canned_reply(request, reply_id):
    reply = get_object_or_404(permissions.changeable_canned_replies(request.user), id=reply_id)
    form = CannedReplyForm(request.POST or None, actor=request.user, reply=reply)
    if request.method == "POST" and form.is_valid():
        _save(request.user, form, reply=reply)
        messages.success(request, _("The canned reply is saved."))
        return redirect("canned:list")
    return render(request, "workspace/canned_edit.html", {"form": form, "reply": reply})


def _save(user, form, *, reply=None):
    data = form.cleaned_data
    return services.save_canned_reply(
        actor=user, title=data["title"], body_html=data["body"],
        department=data["department"], reply=reply,
    )  # fmt: skip


@panel_only
@require_POST
def delete_canned_reply(request, reply_id):
    reply = get_object_or_404(permissions.changeable_canned_replies(request.user), id=reply_id)
    services.delete_canned_reply(actor=request.user, reply=reply)
    messages.success(request, _("The canned reply is deleted."))
    return redirect("canned:list")
