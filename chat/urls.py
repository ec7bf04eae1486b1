from django.urls import path

from . import views

app_name = "chat"

urlpatterns = [
    path("chat/", views.start, name="visitor"),
    path("chat/confirm/<str:code>/", views.confirm_address, name="confirm"),
    path("chat/<str:token>/", views.room, name="room"),
    path("chat/<str:token>/state/", views.state, name="state"),
    path("chat/<str:token>/leave/", views.leave, name="leave"),
    path("chat/<str:token>/rate/", views.rate, name="rate"),
    path("chat/<str:token>/transcript/", views.email_transcript, name="transcript"),
    path("chat/<str:token>/print/", views.transcript_print, name="print"),
    path("chat/<str:token>/pdf/", views.transcript_pdf, name="pdf"),
    path(
        "chat/<str:token>/pdf/<int:pdf_id>/status/", views.transcript_pdf_status, name="pdf_status"
    ),
    path(
        "chat/<str:token>/pdf/<int:pdf_id>/download/",
        views.transcript_pdf_download,
        name="pdf_download",
    ),
    path("agent/chats/", views.console, name="console"),
    path("agent/chats/lists/", views.waiting_list, name="lists"),
    path("agent/chats/presence/", views.presence, name="presence"),
    path("agent/chats/history/", views.history, name="history"),
    path("agent/chats/<int:chat_id>/", views.chat_detail, name="detail"),
    path("agent/chats/<int:chat_id>/transfer/", views.transfer, name="transfer"),
    path("agent/chats/<int:chat_id>/end/", views.end, name="end"),
    path("agent/chats/<int:chat_id>/ticket/", views.to_ticket, name="to_ticket"),
    path("agent/chats/<int:chat_id>/print/", views.agent_transcript_print, name="agent_print"),
    path("agent/chats/<int:chat_id>/pdf/", views.agent_transcript_pdf, name="agent_pdf"),
    path(
        "agent/chats/<int:chat_id>/pdf/<int:pdf_id>/status/",
        views.agent_transcript_pdf_status,
        name="agent_pdf_status",
    ),
    path(
        "agent/chats/<int:chat_id>/pdf/<int:pdf_id>/download/",
        views.agent_transcript_pdf_download,
        name="agent_pdf_download",
    ),
]
