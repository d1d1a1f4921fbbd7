from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("what-works/", views.what_works, name="what_works"),
    path("what-works.csv", views.what_works_csv, name="what_works_csv"),
    path("what-works.svg", views.what_works_chart, name="what_works_chart"),
    path("what-works.png", views.what_works_png, name="what_works_png"),
    path("child/<int:child_id>/impact/", views.child_impact, name="child_impact"),
    path("child/<int:child_id>/chronology/", views.chronology, name="chronology"),
    path("child/<int:child_id>/story.pdf", views.story_pdf, name="story_pdf"),
    path("child/<int:child_id>/story.docx", views.story_docx, name="story_docx"),
    path("child/<int:child_id>/chronology.pdf", views.chronology_pdf, name="chronology_pdf"),
]
