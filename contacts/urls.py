from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="contact_list"),
    path("export.csv", views.contact_export, name="contact_export"),
    path("due/", views.calls_due, name="calls_due"),
    path("settings/<int:site_id>/", views.contact_settings, name="contact_settings"),
    path("child/<int:child_id>/", views.child_contacts, name="child_contacts"),
    path("child/<int:child_id>/new/", views.contact_new, name="contact_new"),
    path("child/<int:child_id>/weekly-update/", views.weekly_update_new, name="weekly_update_new"),
    path("<int:contact_id>/", views.contact_detail, name="contact_detail"),
    path("<int:contact_id>/correct/", views.contact_correct, name="contact_correct"),
    path("<int:contact_id>/retract/", views.contact_retract, name="contact_retract"),
    path("<int:contact_id>/history/", views.contact_history, name="contact_history"),
    path("updates/<int:update_id>/", views.weekly_update, name="weekly_update"),
    path(
        "updates/<int:update_id>/addendum/",
        views.weekly_update_addendum,
        name="weekly_update_addendum",
    ),
]
