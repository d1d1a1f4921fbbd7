from django.urls import path

from . import views

app_name = "onboarding"

urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/invite/", views.invite, name="invite"),
    path(
        "team/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "team/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("team/<int:member_id>/", views.member, name="member"),
    path(
        "team/<int:member_id>/authenticator/",
        views.authenticator_reset,
        name="authenticator_reset",
    ),
    path("team/<int:member_id>/deactivate/", views.deactivate, name="deactivate"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/add/", views.site_add, name="site_add"),
    path("sites/<int:site_id>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:site_id>/close/", views.site_close, name="site_close"),
    path("organisation/settings/", views.organisation_settings, name="settings"),
]
