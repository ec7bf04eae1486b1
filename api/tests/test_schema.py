"""The OpenAPI description: generated, valid OpenAPI 3, served with its documentation page
(Swagger UI from the app's own static files, no inline script for the CSP); and a
property-based run of it against the app by schemathesis, as a customer and as an agent."""

import re

import hypothesis
import pytest
import schemathesis
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)


def test_the_description_is_valid_openapi_3():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    assert "/api/v1/tickets/{number}/replies/" in paths
    for path in (
        "people/{person_id}/",
        "organizations/",
        "chats/{chat_id}/transcript/",
        "service-orders/{order_id}/",
        "tasks/",
        "people/{person_id}/deactivate/",
        "macros/",
        "tickets/{number}/macros/{macro_id}/apply/",
    ):
        assert f"/api/v1/{path}" in paths
    assert set(paths["/api/v1/people/{person_id}/"]) >= {"get", "patch"}
    assert set(paths["/api/v1/organizations/"]) >= {"get", "post"}
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_the_schema_and_docs_are_served_without_inline_scripts(client):
    assert client.get(reverse("api:schema")).status_code == 200
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "cdn" not in html.lower()
    assert client.get("/api/v1/").url == reverse("api:docs")


# The description as the app serves it, read through WSGI in this process (no server).
def _served_schema():
    from helpdesk.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]  # fmt: skip
RUN = hypothesis.settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
)


def _run_every_operation(headers):
    for result in _served_schema().get_all_operations():
        operation = result.ok()

        @RUN
        @hypothesis.given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()


@pytest.fixture
def generous_limits(settings):
    settings.API_REQUESTS_PER_TOKEN_PER_MINUTE = 100_000
    settings.API_REQUESTS_PER_ADDRESS_PER_MINUTE = 100_000


@pytest.fixture(autouse=True)
def _connection_kept_between_requests():
    # As Django's test client does: a request through WSGI here must not close the test's
    # connection (its transaction holds the data; PostgreSQL could not open another in it).
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("person", ["light_user", "agent", "manager", "administrator"])
def test_the_app_answers_as_its_description_says(request, ticket, person, generous_limits):
    """No server error, and every status, content type and body as described (schemathesis,
    a few generated requests an operation, as a customer, an agent, a manager and an
    administrator)."""
    from api.tests.conftest import make_token

    secret = make_token(request.getfixturevalue(person))[1]
    _run_every_operation({"Authorization": f"Bearer {secret}"})
