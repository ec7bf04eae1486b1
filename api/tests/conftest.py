"""The API's test helpers: a token for a person, and a client that sends it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api import services


def make_token(user, *, write=True, days=30):
    return services.create_api_token(
        actor=user, name="tests", can_write=write, expires_at=timezone.now() + timedelta(days=days)
    )


class Api:
    """Django's test client with a person's bearer token, speaking JSON."""

    def __init__(self, client, secret=None, language="en"):
        self.client = client
        self.headers = {"Accept-Language": language}
        if secret:
            self.headers["Authorization"] = f"Bearer {secret}"

    def get(self, path, data=None, **extra):
        return self.client.get(path, data, headers={**self.headers, **extra})

    def post(self, path, data=None, *, multipart=False, **extra):
        if multipart:
            return self.client.post(path, data or {}, headers={**self.headers, **extra})
        return self.client.post(
            path, data or {}, content_type="application/json", headers={**self.headers, **extra}
        )


@pytest.fixture
def api_as(client):
    """`api_as(person)`: a client acting with a new read-write token of that person's."""

    def make(user, *, write=True, language="en"):
        return Api(client, make_token(user, write=write)[1], language=language)

    return make


@pytest.fixture
def anonymous_api(client):
    return Api(client)


@pytest.fixture
def person(request):
    """The named person a persona matrix's row stands for (`test_records.matrix`)."""
    return request.getfixturevalue(request.param)
