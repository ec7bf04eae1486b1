"""django-csp's middleware with its policy written once, not at every response.

The library builds the header from the settings at each response, twice (the policy and the
report-only one): a fifth of what the trivial view costs over HTTP. The header is the same
for every response but for the nonce, so it is built once with a marker in the nonce's place,
and each response gets it with its own nonce put in. A response that a view tailored
(django-csp's decorators: its own config, update or replace) goes the library's way.
"""

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# Where the nonce goes: no policy holds a NUL.
_NONCE = "\x00nonce\x00"
_TAILORED = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
# The header, the response attribute that exempts from it, and its setting.
_HEADERS = (
    (False, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
    (True, HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
)
# As the library: Django's debug pages (DEBUG only) keep their inline script and style.
_DEBUG_PAGES = (404, 500)


@functools.cache
def _policy(report_only: bool, with_nonce: bool) -> tuple[str, tuple[str, ...]]:
    """The header from the settings (the marker for the nonce), and the path prefixes it
    leaves out."""
    setting = getattr(
        settings,
        "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY",
        None,
    )
    excluded = tuple((setting or {}).get("EXCLUDE_URL_PREFIXES") or ())
    nonce = _NONCE if with_nonce else None
    return build_policy(nonce=nonce, report_only=report_only), excluded


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policy.cache_clear()


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(self, request, response):
        if any(getattr(response, name, None) is not None for name in _TAILORED):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_PAGES and settings.DEBUG:
            return response
        nonce = getattr(request, "_csp_nonce", None)
        for report_only, header, exempt, _setting in _HEADERS:
            policy, excluded = _policy(report_only, nonce is not None)
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy.replace(_NONCE, nonce) if nonce else policy
        if nonce is None:
            # Read after the header is written, a nonce would be in no header: fail loudly.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
