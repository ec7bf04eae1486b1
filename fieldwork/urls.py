"""The agent panel's field work pages, in the panel's namespace (helpdesk/urls.py joins them
to tickets.agent_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "tickets/<int:number>/service-order/",
        views.service_order_new,
        name="service_order_new",
    ),
    path("service-orders/<int:order_id>/", views.service_order_edit, name="service_order"),
    path("tickets/<int:number>/task/", views.task_new, name="task_new"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("tickets/<int:number>/email/", views.ticket_email, name="ticket_email"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/new/", views.service_order_from_agenda, name="agenda_new_order"),
]
