"""The invitation link, reached before signing in (under /accounts/, so two-factor enrolment and
the session limits treat it as part of signing in)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>/", views.invitation_accept, name="invitation_accept"),
]
