from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("reviews/", views.review_list, name="review_list"),
    path("sections/", views.section_settings, name="section_settings"),
    path("child/<int:child_id>/", views.child_plans, name="child_plans"),
    path("child/<int:child_id>/documents/add/", views.document_upload, name="document_upload"),
    path(
        "child/<int:child_id>/documents/<int:document_id>/",
        views.document_file,
        name="document_file",
    ),
    path(
        "child/<int:child_id>/documents/<int:document_id>/hide/",
        views.document_retract,
        name="document_retract",
    ),
    path(
        "child/<int:child_id>/documents/<int:document_id>/history/",
        views.document_history,
        name="document_history",
    ),
    path(
        "child/<int:child_id>/health/registration/",
        views.health_registration_add,
        name="health_registration_add",
    ),
    path(
        "child/<int:child_id>/health/appointment/",
        views.health_appointment_add,
        name="health_appointment_add",
    ),
    path(
        "child/<int:child_id>/health/appointment/<int:appointment_id>/",
        views.health_appointment_edit,
        name="health_appointment_edit",
    ),
    path("child/<int:child_id>/clothing/", views.clothing_add, name="clothing_add"),
    path("child/<int:child_id>/<slug:plan_type>/", views.plan_detail, name="plan_detail"),
    path("child/<int:child_id>/<slug:plan_type>/edit/", views.plan_edit, name="plan_edit"),
    path("child/<int:child_id>/<slug:plan_type>/share/", views.plan_share, name="plan_share"),
    path(
        "child/<int:child_id>/<slug:plan_type>/versions/<int:version_id>/",
        views.version_detail,
        name="version_detail",
    ),
    path(
        "child/<int:child_id>/<slug:plan_type>/versions/<int:version_id>/pdf/",
        views.version_pdf,
        name="version_pdf",
    ),
]
