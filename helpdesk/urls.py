from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import LoginView
from drafts import views as drafts_views
from fieldwork import urls as fieldwork_urls
from tickets import agent_urls
from tickets.files import check_uploads, content_type_for

from . import views

admin.site.site_header = _("Help desk administration")
admin.site.site_title = _("Help desk")
admin.site.index_title = _("Configuration")

_images = {"content_type_of": lambda name: content_type_for(name) or ""}

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("accounts/profile/api-tokens/", include("api.token_urls")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("api.urls")),
    path("tickets/", include("tickets.urls")),
    path("agent/attendance/", include("attendance.urls")),
    path("agent/reports/", include("reports.urls")),
    path("exports/", include("reports.export_urls")),
    path("agent/", include("inbound.urls")),
    path("agent/live/", include("workspace.urls")),
    path("agent/search/", include("workspace.find_urls")),
    path("agent/canned/", include("workspace.canned_urls")),
    path("agent/team/", include("workspace.team_urls")),
    path("agent/macros/", include("workspace.macro_urls")),
    path("agent/merge/", include("workspace.merge_urls")),
    # The panel's namespace: the tickets' pages and the field work's.
    path("agent/", include((agent_urls.urlpatterns + fieldwork_urls.urlpatterns, "agent"))),
    path("print/", include("printing.urls")),
    # Files picked on a message's form, checked by the rule of a message's files (tickets).
    path("drafts/files/", drafts_views.upload, {"check": check_uploads}, name="draft_upload"),
    path("drafts/files/<int:draft_id>/remove/", drafts_views.remove, name="draft_remove"),
    # Images pasted or dropped in the editor: draft files too, by the same rule.
    path(
        "drafts/images/",
        drafts_views.upload_image,
        _images | {"check": check_uploads},
        name="draft_image_upload",
    ),
    path("drafts/images/<int:draft_id>/", drafts_views.image, _images, name="draft_image"),
    path("", include("chat.urls")),
    # The admin logs in through the same rate-limited form as everyone else.
    path("admin/login/", LoginView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
]
