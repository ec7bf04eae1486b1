from csp.decorators import csp_update
from django.urls import path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import macros, people, records, views

app_name = "api"

urlpatterns = [
    # The API's own address (SPEC §9) opens its documentation.
    path("", RedirectView.as_view(pattern_name="api:docs"), name="root"),
    path("tickets/", views.TicketList.as_view(), name="tickets"),
    path("tickets/<int:number>/", views.TicketDetail.as_view(), name="ticket"),
    path("tickets/<int:number>/thread/", views.Thread.as_view(), name="thread"),
    path(
        "tickets/<int:number>/attachments/<int:attachment_id>/",
        views.AttachmentDownload.as_view(),
        name="attachment",
    ),
    path("tickets/<int:number>/replies/", views.Reply.as_view(), name="reply"),
    path("tickets/<int:number>/notes/", views.Note.as_view(), name="note"),
    path("tickets/<int:number>/claim/", views.Claim.as_view(), name="claim"),
    path("tickets/<int:number>/assign/", views.Assign.as_view(), name="assign"),
    path("tickets/<int:number>/transfer/", views.Transfer.as_view(), name="transfer"),
    path("tickets/<int:number>/priority/", views.SetPriority.as_view(), name="priority"),
    path("tickets/<int:number>/label/", views.SetLabel.as_view(), name="label"),
    path("tickets/<int:number>/resolve/", views.Resolve.as_view(), name="resolve"),
    path("tickets/<int:number>/finalize/", views.Finalize.as_view(), name="finalize"),
    path("tickets/<int:number>/close/", views.Close.as_view(), name="close"),
    path("tickets/<int:number>/rate/", views.Rate.as_view(), name="rate"),
    path("tickets/<int:number>/reopen/", views.Reopen.as_view(), name="reopen"),
    path("departments/", views.departments, name="departments"),
    path("categories/", views.categories, name="categories"),
    path("products/", views.products, name="products"),
    path("priorities/", views.priorities, name="priorities"),
    path("severities/", views.severities, name="severities"),
    path("labels/", views.labels, name="labels"),
    path("canned-replies/", views.CannedReplies.as_view(), name="canned_replies"),
    path("macros/", macros.MacroList.as_view(), name="macros"),
    path(
        "tickets/<int:number>/macros/<int:macro_id>/",
        macros.MacroPreview.as_view(),
        name="macro_preview",
    ),
    path(
        "tickets/<int:number>/macros/<int:macro_id>/apply/",
        macros.MacroApply.as_view(),
        name="macro_apply",
    ),
    path("people/", people.PersonList.as_view(), name="people"),
    path("people/<int:person_id>/", people.PersonDetail.as_view(), name="person"),
    path(
        "people/<int:person_id>/deactivate/",
        people.PersonDeactivate.as_view(),
        name="person_deactivate",
    ),
    path("organizations/", people.OrganizationList.as_view(), name="organizations"),
    path(
        "organizations/<int:organization_id>/",
        people.OrganizationDetail.as_view(),
        name="organization",
    ),
    path("chats/", records.ChatList.as_view(), name="chats"),
    path("chats/<int:chat_id>/", records.ChatDetail.as_view(), name="chat"),
    path(
        "chats/<int:chat_id>/transcript/", records.ChatTranscript.as_view(), name="chat_transcript"
    ),
    path("service-orders/", records.ServiceOrderList.as_view(), name="service_orders"),
    path(
        "service-orders/<int:order_id>/", records.ServiceOrderDetail.as_view(), name="service_order"
    ),
    path("tasks/", records.TaskList.as_view(), name="tasks"),
    path("tasks/<int:task_id>/", records.TaskDetail.as_view(), name="task"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets styles of its own elements inline; its scripts stay files ('self').
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    # Last: whatever else ends in a slash is the API's 404 (without one, Django first tries
    # the address with a slash added, as everywhere).
    re_path(r"^(?:.*/)?$", views.NoSuchEndpoint.as_view()),
]
