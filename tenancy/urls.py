from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
    path("staff/", views.staff_list, name="staff_list"),
]
