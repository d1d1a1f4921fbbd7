from django.urls import path

from . import views

app_name = "roll"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.csv", views.template, name="template"),
    path("<int:import_id>/", views.preview, name="preview"),
    path("<int:import_id>/discard/", views.discard, name="discard"),
]
