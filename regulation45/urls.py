from django.urls import path

from . import views

app_name = "regulation45"

urlpatterns = [
    path("", views.index, name="index"),
    path("home/<int:home_id>/", views.home, name="home"),
    path("home/<int:home_id>/new/", views.review_new, name="review_new"),
    path("<int:review_id>/", views.review, name="review"),
    path("<int:review_id>/standard/<int:standard>/", views.standard_edit, name="standard_edit"),
    path("<int:review_id>/summary/", views.summary_edit, name="summary_edit"),
    path("<int:review_id>/publish/", views.publish, name="publish"),
    path("<int:review_id>/sent/", views.sent, name="sent"),
    path("<int:review_id>/pack.pdf", views.review_pdf, name="review_pdf"),
]
