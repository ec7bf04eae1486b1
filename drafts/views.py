from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_POST

from . import services


def _box(request, key, *, errors=(), status=200):
    owner = services.owner_of(request)
    files = services.draft_files(owner=owner, key=key)
    return render(request, "drafts/_files.html", {"files": files, "errors": errors}, status=status)


@require_POST
def upload(request, *, check):
    """Files picked on a form, kept in its draft; answers the draft's list (static/js/drafts.js)."""
    key, uploads = request.POST.get("key", ""), request.FILES.getlist("file")
    if not uploads:
        return _box(request, key, status=400)
    owner = services.owner_starting_session(request)
    try:
        services.add_draft_files(owner=owner, key=key, uploads=uploads, check=check)
    except ValidationError as error:
        return _box(request, key, errors=error.messages, status=400)
    return _box(request, key)


@require_POST
def remove(request, draft_id):
    key = services.remove_draft_file(owner=services.owner_of(request), draft_id=draft_id)
    return _box(request, key)
