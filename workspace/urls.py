from django.urls import path

from . import views

app_name = "workspace"
urlpatterns = [
    path("alerts/", views.alerts, name="alerts"),
    path("bulk/", views.bulk_action, name="bulk"),
    path("bulk/<int:job_id>/", views.bulk_job, name="bulk_job"),
    path("bulk/<int:job_id>/status/", views.bulk_job_status, name="bulk_job_status"),
]
