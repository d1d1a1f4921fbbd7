from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.lockout import PasswordResetConfirmView
from people import views as people_views
from tenancy.forms import SignInForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/invitation/", include("onboarding.urls_public")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("children/", include("people.urls")),
    path("sessions/", include("sessions_app.urls")),
    path("behaviour/", include("behaviour.urls")),
    path("contacts/", include("contacts.urls")),
    path("plans/", include("plans.urls")),
    path("compliance/", include("compliance.urls")),
    path("quality/", include("quality.urls")),
    path("", people_views.home, name="home"),
    path("staff/", people_views.staff_list, name="staff_list"),
    path("evidence/", include("evidence.urls")),
    path("regulation45/", include("regulation45.urls")),
    path("", include("onboarding.urls")),
    path("actions/", include("actions.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("roll/", include("roll.urls")),
    path("", include("tenancy.urls")),
]
