from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import services


def _box(request, key, *, errors=(), status=200):
    owner = services.owner_of(request)
    files = services.draft_files(owner=owner, key=key)
    # A form whose files take notes (the first contact's "Observações") asks for their inputs.
    context = {"files": files, "errors": errors, "notes": request.POST.get("notes") == "true"}
    return render(request, "drafts/_files.html", context, status=status)


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
def upload_image(request, *, check, content_type_of):
    """An image pasted or dropped in the editor (static/js/editor.js), kept in the form's draft
    by the same rule as its other files: answers where it is shown from and the draft's list."""
    key, uploads = request.POST.get("key", ""), request.FILES.getlist("file")
    if len(uploads) != 1 or not content_type_of(uploads[0].name).startswith("image/"):
        return JsonResponse({"errors": [_("Paste or drop one image at a time.")]}, status=400)
    owner = services.owner_starting_session(request)
    try:
        (draft,) = services.add_draft_files(owner=owner, key=key, uploads=uploads, check=check)
    except ValidationError as error:
        return JsonResponse({"errors": error.messages}, status=400)
    files = services.draft_files(owner=owner, key=key)
    box = render_to_string("drafts/_files.html", {"files": files}, request=request)
    return JsonResponse({"url": reverse("draft_image", args=[draft.id]), "box": box})


@require_GET
def image(request, draft_id, *, content_type_of):
    """One of the owner's draft images, shown in the editor until the form is sent (404 for
    anyone else's, or for a draft file that is not an image)."""
    draft = services.draft_file(owner=services.owner_of(request), draft_id=draft_id)
    content_type = content_type_of(draft.name)
    if not content_type.startswith("image/"):
        raise Http404
    response = FileResponse(draft.file.open("rb"), content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
def remove(request, draft_id):
    key = services.remove_draft_file(owner=services.owner_of(request), draft_id=draft_id)
    return _box(request, key)
