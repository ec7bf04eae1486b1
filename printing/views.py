from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from .models import PrintSettings


@require_GET
def print_logo(request):
    """The logo of the printouts: public, as it is on every printed page."""
    logo = PrintSettings.current().logo
    if not logo:
        raise Http404
    return FileResponse(logo.open("rb"))
