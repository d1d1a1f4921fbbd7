from django.urls import path

from . import views

app_name = "regulation44"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.report_upload, name="report_upload"),
    path("homes/<int:site_id>/figures/", views.figures, name="figures"),
    path("reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<int:report_id>/file/", views.report_file, name="report_file"),
    path(
        "recommendations/<int:recommendation_id>/",
        views.recommendation,
        name="recommendation",
    ),
]
