"""The policy written once (core.csp) is the header django-csp writes at each response."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.csp import CSPMiddleware


def _answered(middleware_class, path="/", *, nonce=False, **attributes):
    request = RequestFactory().get(path)
    response = HttpResponse("ok")
    for name, value in attributes.items():
        setattr(response, name, value)
    middleware = middleware_class(lambda request: response)
    middleware.process_request(request)
    if nonce:
        str(request.csp_nonce)  # a template used it
    middleware.process_response(request, response)
    return request, response


@pytest.mark.parametrize("nonce", [False, True])
def test_the_header_is_the_librarys(nonce):
    request, ours = _answered(CSPMiddleware, nonce=nonce)
    _, theirs = _answered(LibraryCSPMiddleware, nonce=nonce)
    if nonce:  # each request its own nonce: the library's header with ours in it
        theirs_nonce = theirs[HEADER].split("'nonce-")[1].split("'")[0]
        assert ours[HEADER] == theirs[HEADER].replace(theirs_nonce, request._csp_nonce)
        assert f"'nonce-{request._csp_nonce}'" in ours[HEADER]
    else:
        assert ours[HEADER] == theirs[HEADER]
        assert "nonce" not in ours[HEADER]
    assert HEADER_REPORT_ONLY not in ours


def test_two_requests_get_two_nonces():
    first, first_response = _answered(CSPMiddleware, nonce=True)
    second, second_response = _answered(CSPMiddleware, nonce=True)
    assert first._csp_nonce != second._csp_nonce
    assert first._csp_nonce in first_response[HEADER]
    assert second._csp_nonce in second_response[HEADER]
    assert first._csp_nonce not in second_response[HEADER]


def test_a_nonce_read_after_the_header_fails():
    request, _ = _answered(CSPMiddleware)
    with pytest.raises(Exception, match="after the CSP header has been written"):
        str(request.csp_nonce)


def test_a_tailored_response_and_an_exempt_one():
    _, tailored = _answered(CSPMiddleware, _csp_update={"style-src": ["'unsafe-inline'"]})
    assert "style-src 'self' 'unsafe-inline'" in tailored[HEADER]
    _, exempt = _answered(CSPMiddleware, _csp_exempt=True)
    assert HEADER not in exempt


def test_settings_changed_are_followed():
    policy = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    excluded = {**policy, "EXCLUDE_URL_PREFIXES": ["/skipped"]}
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=excluded):
        _, response = _answered(CSPMiddleware)
        # The library writes the directives in no fixed order.
        directives = set(response[HEADER_REPORT_ONLY].split("; "))
        assert directives == {"default-src 'self'", "script-src 'self'"}
        _, skipped = _answered(CSPMiddleware, "/skipped/page")
        assert HEADER_REPORT_ONLY not in skipped
        assert HEADER in skipped
    _, after = _answered(CSPMiddleware)
    assert HEADER_REPORT_ONLY not in after


@override_settings(DEBUG=True)
def test_debug_pages_keep_their_inline_code():
    request = RequestFactory().get("/")
    response = HttpResponse("missing", status=404)
    CSPMiddleware(lambda request: response).process_response(request, response)
    assert HEADER not in response
