from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("", views.index, name="index"),
    path("alerts/", views.alerts, name="alerts"),
    path("child/<int:child_id>/", views.child_actions, name="child_actions"),
    path("child/<int:child_id>/new/", views.action_new, name="action_new"),
    path("<int:action_id>/", views.action_detail, name="action_detail"),
    path("<int:action_id>/close/", views.action_close, name="action_close"),
    path("<int:action_id>/referral/", views.referral_update, name="referral_update"),
    path("incidents/<int:slip_id>/significant/", views.incident_significant, name="significant"),
]
