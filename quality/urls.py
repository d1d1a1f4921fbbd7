from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.check_page, name="check_page"),
    path("check/", views.check_endpoint, name="check"),
    path("settings/", views.settings_edit, name="settings"),
]
