from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.check_page, name="check_page"),
    path("check/", views.check_endpoint, name="check"),
    path("settings/", views.settings_edit, name="settings"),
    path("moderation/", views.moderation_queue, name="queue"),
    path("moderation/rubric/", views.rubric_edit, name="rubric"),
    path("moderation/record/<int:session_id>/", views.moderate, name="moderate"),
    path("feedback/", views.my_feedback, name="my_feedback"),
    path("feedback/<int:moderation_id>/", views.feedback_detail, name="feedback_detail"),
    path("performance/", views.performance_view, name="performance"),
    path("performance.csv", views.performance_csv, name="performance_csv"),
]
