from django.urls import path  # noqa: F401 - patterns are added by this app's issue

app_name = "compliance"

urlpatterns: list = []
