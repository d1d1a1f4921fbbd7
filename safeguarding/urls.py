from django.urls import path

from . import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.index, name="index"),
    path("leads/", views.leads, name="leads"),
    path("leads/<int:lead_id>/remove/", views.lead_remove, name="lead_remove"),
    path("child/<int:child_id>/raise/", views.concern_new, name="concern_new"),
    path("child/<int:child_id>/chronology/", views.chronology, name="chronology"),
    path("child/<int:child_id>/chronology.pdf", views.chronology_pdf, name="chronology_pdf"),
    path("child/<int:child_id>/marker/", views.marker, name="marker"),
    path("concerns/<int:concern_id>/", views.concern_detail, name="concern_detail"),
    path("concerns/<int:concern_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("concerns/<int:concern_id>/decide/", views.decide, name="decide"),
]
