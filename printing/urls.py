from django.urls import path

from . import views

app_name = "printing"

urlpatterns = [
    path("logo/", views.print_logo, name="logo"),
]
