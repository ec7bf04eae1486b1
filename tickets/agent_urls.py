from django.urls import path

from .views import agent as views
from .views import printing

app_name = "agent"

urlpatterns = [
    path("", views.queue_list, name="queues"),
    path("tickets/new/", views.new_customer_ticket, name="new_ticket"),
    path("tickets/new/internal/", views.new_internal_ticket, name="new_internal_ticket"),
    path("tickets/<int:number>/", views.ticket_page, name="ticket"),
    path("tickets/<int:number>/claim/", views.claim, name="claim"),
    path("tickets/<int:number>/revoke-links/", views.revoke_links, name="revoke_links"),
    path("tickets/<int:number>/take-over/", views.take_over, name="take_over"),
    path("tickets/<int:number>/canned-replies/", views.canned_for_ticket, name="canned_for_ticket"),
    path("tickets/<int:number>/assign/", views.assign, name="assign"),
    path("tickets/<int:number>/reply/", views.reply, name="reply"),
    path("tickets/<int:number>/note/", views.note, name="note"),
    path("tickets/<int:number>/progress/", views.progress, name="progress"),
    path("tickets/<int:number>/resolve/", views.resolve, name="resolve"),
    path("tickets/<int:number>/reopen/", views.reopen, name="reopen"),
    path("tickets/<int:number>/finalize/", views.finalize, name="finalize"),
    path("tickets/<int:number>/edit/", views.edit, name="edit"),
    path("tickets/<int:number>/transfer/", views.transfer, name="transfer"),
    path("tickets/<int:number>/escalate/", views.escalate, name="escalate"),
    path("tickets/<int:number>/trash/", views.trash, name="trash"),
    path("tickets/<int:number>/print/", printing.agent_print, name="print"),
    path("tickets/<int:number>/pdf/", printing.agent_pdf, name="pdf"),
    path("trash/", views.trash_list, name="trash_list"),
    path("trash/<int:number>/restore/", views.restore, name="restore"),
    path("time/", views.time_report, name="time_report"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:notification_id>/", views.open_notification, name="notification"),
]
