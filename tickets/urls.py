from django.urls import path

from .views import portal as views
from .views import printing

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_new, name="new"),
    path("new/sent/", views.guest_sent, name="guest_sent"),
    path("status/", views.status_check, name="status"),
    path("access/<str:token>/", views.guest_link, name="guest_access"),
    path("<int:number>/", views.ticket_detail, name="detail"),
    path("<int:number>/reply/", views.ticket_reply, name="reply"),
    path("<int:number>/priority/", views.ticket_priority, name="priority"),
    path("<int:number>/close/", views.ticket_close, name="close"),
    path("<int:number>/revoke-links/", views.revoke_links, name="revoke_links"),
    path("<int:number>/rate/", views.ticket_rate, name="rate"),
    path("<int:number>/not-solved/", views.ticket_not_solved, name="not_solved"),
    path("<int:number>/print/", printing.customer_print, name="print"),
    path("<int:number>/entries/<int:entry_id>/print/", printing.print_entry, name="print_entry"),
    path("<int:number>/entries/<int:entry_id>/email/", printing.entry_email, name="entry_email"),
    path("<int:number>/pdf/", printing.customer_pdf, name="pdf"),
    path("<int:number>/pdf/<int:pdf_id>/wait/", printing.pdf_wait, name="pdf_wait"),
    path("<int:number>/pdf/<int:pdf_id>/status/", printing.pdf_status, name="pdf_status"),
    path("<int:number>/pdf/<int:pdf_id>/download/", printing.pdf_download, name="pdf_download"),
    path("<int:number>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path(
        "<int:number>/files/<int:attachment_id>/thumbnail/",
        views.attachment,
        {"thumbnail": True},
        name="thumbnail",
    ),
]
