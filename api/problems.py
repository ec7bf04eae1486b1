"""Errors as RFC 9457 problem details (`application/problem+json`), with the field errors the
pages' forms give, in the language the request asked for (LocaleMiddleware reads
Accept-Language)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response

from tickets.services import AlreadyClaimed, AlreadyRated, HasOpenChildren, NotAllowed, Unanswered
from tickets.workflow import TransitionNotAllowed

MEDIA_TYPE = "application/problem+json"
BODY_NOT_OBJECT = gettext_lazy("Send the fields as a JSON object or as a form.")
FIELD_NOT_SCALAR = gettext_lazy("Give this field as text, a number or true/false.")
UNKNOWN_CHOICE = gettext_lazy("Choose one of the choices offered.")


class Problem(exceptions.APIException):
    """A refusal with a status of its own and, for a form, its errors by field."""

    def __init__(self, status_code: int, detail, *, errors=None, code: str = "error"):
        self.status_code = status_code
        self.errors = errors or {}
        super().__init__(detail=detail, code=code)


def form_errors(form) -> dict[str, list[str]]:
    """`form.errors` as the API spells them: "non_field_errors" for the form's own."""
    return {
        ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }


def invalid(form) -> Problem:
    return Problem(400, gettext_lazy("Some fields are not valid."), errors=form_errors(form),
                   code="invalid")  # fmt: skip


def _conflict(exc) -> Problem:
    if isinstance(exc, AlreadyClaimed):
        detail = _("%(agent)s has already claimed this ticket.") % {"agent": exc.agent.full_name}
    elif isinstance(exc, Unanswered):
        detail = _("Nobody answered this ticket: confirm to finalize it.")
    elif isinstance(exc, HasOpenChildren):
        detail = _("Its escalations are still open: finish them first.")
    else:
        detail = _("The ticket's state does not allow this now.")
    return Problem(409, detail, code="conflict")


CONFLICTS = (AlreadyClaimed, AlreadyRated, HasOpenChildren, TransitionNotAllowed, Unanswered)


def _as_api_exception(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied | NotAllowed):
        return exceptions.PermissionDenied()
    if isinstance(exc, CONFLICTS):
        return _conflict(exc)
    return exc


def exception_handler(exc, context):
    """REST framework's handler, answering every refusal as a problem; anything else raises."""
    exc = _as_api_exception(exc)
    if not isinstance(exc, exceptions.APIException):
        return None
    errors = getattr(exc, "errors", {})
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(detail)
        detail = _("Some fields are not valid.")
    body = {
        "type": "about:blank",
        "title": _title(exc.status_code),
        "status": exc.status_code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait))
    return Response(body, status=exc.status_code, headers=headers, content_type=MEDIA_TYPE)


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            field: [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            for field, messages in detail.items()
        }
    return {"non_field_errors": [str(m) for m in detail]}


TITLES = {
    400: gettext_lazy("Bad request"),
    401: gettext_lazy("Not signed in"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Too large"),
    415: gettext_lazy("Unsupported media type"),
    429: gettext_lazy("Too many requests"),
}


def _title(code: int) -> str:
    return str(TITLES.get(code, gettext_lazy("Error")))


PROBLEM_STATUSES = (status.HTTP_400_BAD_REQUEST, 401, 403, 404, 409, 429)
