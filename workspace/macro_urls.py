from django.urls import path

from . import macro_views

app_name = "macros"
urlpatterns = [
    path("", macro_views.macro_list, name="list"),
    path("<int:macro_id>/", macro_views.edit_macro, name="edit"),
    path("<int:macro_id>/delete/", macro_views.delete_macro, name="delete"),
    path("ticket/<int:number>/", macro_views.apply_macro, name="apply"),
]
