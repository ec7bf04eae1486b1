from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("new/", views.new, name="new"),
    path("addresses/", views.addresses, name="addresses"),
    path("service-orders/", views.service_orders, name="service_orders"),
    path("<int:attendance_id>/origin/", views.origin, name="origin"),
    path("<int:attendance_id>/contacts/", views.contacts, name="contacts"),
    path("<int:attendance_id>/client/", views.client, name="client"),
    path("<int:attendance_id>/details/", views.details, name="details"),
    path("<int:attendance_id>/script/", views.script, name="script"),
    path("<int:attendance_id>/first-contact/", views.first_contact, name="first_contact"),
    path("<int:attendance_id>/protocol/", views.done, name="done"),
]
