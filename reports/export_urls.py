"""The ticket lists' CSV exports, for agents and customers alike, and the long ones' files."""

from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("agent-list.csv", views.agent_list_export, name="agent_list"),
    path("tickets.csv", views.portal_list_export, name="portal_list"),
    path("<int:job_id>/", views.export_job, name="job"),
    path("<int:job_id>/status/", views.export_job_status, name="job_status"),
    path("<int:job_id>/file/", views.export_job_file, name="job_file"),
]
