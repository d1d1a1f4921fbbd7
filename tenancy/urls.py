from django.urls import path

from . import views

urlpatterns = [
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
]
