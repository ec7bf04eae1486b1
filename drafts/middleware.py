"""Makes the request's draft owner known to the forms that take draft files."""

from .services import _request


class DraftOwnerMiddleware:
    """Placed after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
