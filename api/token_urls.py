from django.urls import path

from . import pages

app_name = "api_tokens"

urlpatterns = [
    path("", pages.tokens, name="list"),
    path("<int:token_id>/revoke/", pages.revoke, name="revoke"),
]
