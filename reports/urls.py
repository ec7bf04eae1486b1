from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("weekly-summary/", views.weekly_summary, name="weekly_summary"),
    path("<slug:slug>/", views.report_page, name="report"),
    path("<slug:slug>/export.<str:kind>", views.export, name="export"),
]
