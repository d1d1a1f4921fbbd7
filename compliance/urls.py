from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("", views.index, name="index"),
    path("my-week/", views.my_week, name="my_week"),
    path("alerts/", views.alert_list, name="alerts"),
    path("overview/", views.overview, name="overview"),
    path("sites/<int:site_id>/", views.site_dashboard, name="site_dashboard"),
    path("sites/<int:site_id>/overdue/", views.overdue, name="overdue"),
    path("sites/<int:site_id>/export.csv", views.export_csv, name="export_csv"),
    path("sites/<int:site_id>/policy/", views.policy_edit, name="policy_edit"),
    path("sites/<int:site_id>/calendar/", views.calendar_page, name="calendar"),
    path(
        "sites/<int:site_id>/calendar/<int:holiday_id>/remove/",
        views.holiday_remove,
        name="holiday_remove",
    ),
    path(
        "sites/<int:site_id>/calendar/<int:holiday_id>/edit/",
        views.holiday_edit,
        name="holiday_edit",
    ),
]
