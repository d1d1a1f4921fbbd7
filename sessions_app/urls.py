from django.urls import path

from . import views

app_name = "sessions_app"

urlpatterns = [
    path("", views.my_sessions, name="my_sessions"),
    path("topics/", views.topics, name="topics"),
    path("site/<int:site_id>/", views.site_sessions, name="site_sessions"),
    path("child/<int:child_id>/", views.child_sessions, name="child_sessions"),
    path("child/<int:child_id>/targets/", views.child_targets, name="child_targets"),
    path("child/<int:child_id>/new/", views.session_start, name="session_start"),
    path("child/<int:child_id>/bundle/", views.bundle_start, name="bundle_start"),
    path("bundles/<int:job_id>/", views.bundle_status, name="bundle_status"),
    path("bundles/<int:job_id>/download/", views.bundle_download, name="bundle_download"),
    path("<int:session_id>/", views.session_detail, name="session_detail"),
    path("<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path("<int:session_id>/draft/", views.session_autosave, name="session_autosave"),
    path("<int:session_id>/discard/", views.session_discard, name="session_discard"),
    path("<int:session_id>/quality/", views.session_quality, name="session_quality"),
    path("<int:session_id>/review/", views.session_review, name="session_review"),
    path("<int:session_id>/correct/", views.session_correct, name="session_correct"),
    path("<int:session_id>/history/", views.session_history, name="session_history"),
    path(
        "<int:session_id>/versions/<int:revision_id>/",
        views.session_revision,
        name="session_revision",
    ),
    path("<int:session_id>/pdf/", views.session_pdf, name="session_pdf"),
    path("<int:session_id>/files/", views.attachment_add, name="attachment_add"),
    path(
        "<int:session_id>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
