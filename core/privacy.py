"""Private pages are kept out of every cache, the browser's own included.

A ticket, a chat room or a printout read on a shared computer must not come back from the
browser's cache after sign-out (nor from a proxy's, ever). Pages under PRIVATE_PATH_PREFIXES,
and every page a signed-in person is shown, are sent with `Cache-Control: private, no-store`
unless the view chose its own caching (files, which carry `private` already).
"""

from django.conf import settings

PRIVATE = "private, no-store"


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith(tuple(settings.PRIVATE_PATH_PREFIXES)) or (
            user is not None and user.is_authenticated
        ):
            response["Cache-Control"] = PRIVATE
        return response
