from django.urls import path

from . import views

app_name = "behaviour"

urlpatterns = [
    path("", views.slip_list, name="slip_list"),
    path("export.docx", views.slip_export_docx, name="slip_export_docx"),
    path("export.xlsx", views.slip_export_xlsx, name="slip_export_xlsx"),
    path("export.csv", views.slip_export_csv, name="slip_export_csv"),
    path("slips/new/", views.slip_create, name="slip_create"),
    path("slips/<int:slip_id>/", views.slip_detail, name="slip_detail"),
    path("slips/<int:slip_id>/correct/", views.slip_correct, name="slip_correct"),
    path("slips/<int:slip_id>/retract/", views.slip_retract, name="slip_retract"),
    path("slips/<int:slip_id>/history/", views.slip_history, name="slip_history"),
    path("types/", views.slip_types, name="slip_types"),
    path("filters/save/", views.saved_filter_save, name="saved_filter_save"),
    path("filters/<int:filter_id>/delete/", views.saved_filter_delete, name="saved_filter_delete"),
    path("points/", views.points_entry, name="points_entry"),
    path("points/target/", views.points_target, name="points_target"),
    path("analysis/", views.site_analysis, name="site_analysis"),
    path("my/", views.my_patterns, name="my_patterns"),
    path("attendance/", views.register, name="register"),
    path("attendance/import/", views.attendance_import, name="attendance_import"),
    path("progress/import/", views.progress_import, name="progress_import"),
    path("children/<int:child_id>/", views.child_overview, name="child_overview"),
    path("children/<int:child_id>/panel/", views.child_panel, name="child_panel"),
    path("children/<int:child_id>/attendance/", views.certificate, name="certificate"),
    path("children/<int:child_id>/attendance.pdf", views.certificate_pdf, name="certificate_pdf"),
    path(
        "children/<int:child_id>/appointments/new/",
        views.appointment_add,
        name="appointment_add",
    ),
    path("children/<int:child_id>/progress/", views.grade_sheet, name="grade_sheet"),
]
