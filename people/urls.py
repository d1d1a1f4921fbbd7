from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.child_list, name="child_list"),
    path("new/", views.child_create, name="child_create"),
    path("admit/", views.child_admit, name="child_admit"),
    path("retention/", views.retention, name="retention"),
    path("<int:child_id>/", views.child_detail, name="child_detail"),
    path("<int:child_id>/edit/", views.child_edit, name="child_edit"),
    path("<int:child_id>/photo/", views.child_photo, name="child_photo"),
    path("<int:child_id>/key-worker/", views.allocation_change, name="allocation_change"),
    path("<int:child_id>/cover/", views.cover_add, name="cover_add"),
    path("<int:child_id>/pen-portrait/", views.pen_portrait_edit, name="pen_portrait_edit"),
    path("<int:child_id>/family/add/", views.guardian_edit, name="guardian_add"),
    path("<int:child_id>/family/<int:guardian_id>/", views.guardian_edit, name="guardian_edit"),
    path(
        "<int:child_id>/family/<int:guardian_id>/remove/",
        views.guardian_retract,
        name="guardian_retract",
    ),
    path(
        "<int:child_id>/family/<int:guardian_id>/history/",
        views.guardian_history,
        name="guardian_history",
    ),
    path("<int:child_id>/history/", views.child_history, name="child_history"),
    path("<int:child_id>/professionals/add/", views.professional_add, name="professional_add"),
    path(
        "<int:child_id>/professionals/<int:link_id>/end/",
        views.professional_end,
        name="professional_end",
    ),
]
