"""Invitations: made (single use, 7 days, only a digest stored), resent, withdrawn, accepted."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.models import Membership, Organisation, Role, Site
from tenancy.timeutils import site_today

from ..models import INVITATION_DAYS, Invitation
from ..selectors import describe_roles
from ._common import Grant, User, _require, can_grant
from .members import _membership_grant, check_visitor_alone

# ---------------------------------------------------------------- invitations


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def invitation_token(invitation: Invitation, secret: str) -> str:
    """The link's token: ``<organisation id>-<invitation id>-<secret>`` (the ids say where to look,
    with no organisation in scope yet; only the secret's SHA-256 is stored)."""
    return f"{invitation.organisation_id}-{invitation.pk}-{secret}"


def parse_token(token: str) -> tuple[int, int, str] | None:
    parts = token.split("-", 2)
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or not parts[2]:
        return None
    if len(token) > 200:
        return None
    return int(parts[0]), int(parts[1]), parts[2]


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _send_invitation(invitation: Invitation, *, link: str, inviter_name: str) -> None:
    organisation = Organisation.objects.get(pk=invitation.organisation_id)
    context = {
        "invitation": invitation,
        "organisation": organisation,
        "link": link,
        "inviter": inviter_name,
        "days": INVITATION_DAYS,
        "roles": describe_roles(invitation.roles),
    }
    send_mail(
        subject=f"You are invited to Keywork for {organisation.name}",
        message=render_to_string("onboarding/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@dataclass
class Sent:
    invitation: Invitation
    link: str


@dataclass
class Renewed:
    """An independent visitor invited again to the home they visit (or visited): their role is
    renewed on the account they have, until ``membership.ends_on``; no invitation is needed."""

    membership: Membership
    had_ended: bool


VISITOR_MAX_DAYS = 366


def _check_visitor_grant(access: Access | None, grants: list[Grant], ends_on) -> None:
    """Regulations 43-44: the visitor is independent of the provider (no other role here), visits one
    children's home the inviter manages, and their access ends on a date within a year."""
    (site_id, _role), *others = grants
    if others:
        raise ValidationError("An independent visitor holds no other role.")
    _require(
        access is not None and site_id in access.managed_site_ids,
        "Only a manager of the home or an organisation admin invites its visitor.",
    )
    site = access.get_site_or_404(site_id)
    if site.kind != Site.Kind.HOME:
        raise ValidationError({"visitor_site": "Independent visitors visit children's homes."})
    today = site_today(site)
    if ends_on is None or ends_on <= today:
        raise ValidationError({"visitor_ends_on": "Give a last day after today."})
    if ends_on > today + datetime.timedelta(days=VISITOR_MAX_DAYS):
        raise ValidationError(
            {"visitor_ends_on": "At most a year ahead: renew the visitor's access each year."}
        )


@transaction.atomic
def invitation_create(
    *,
    access: Access | None,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    job_title: str = "",
    grants: list[Grant],
    base_url: str,
    actor=None,
    ends_on: datetime.date | None = None,
) -> Sent:
    """Invite ``email`` with ``grants`` and send the email (last, so no invitation exists that was
    not sent). ``access`` is None only for ``manage.py create_organisation``.

    Errors: ValidationError (no roles, already a member with those roles, an open invitation
    already), PermissionDenied (a role the inviter may not give). Returns the invitation and the
    link (shown by the command in development) — or ``Renewed`` for the home's own independent
    visitor invited again (their access ended, or ends on another day): the role is renewed on
    their account until ``ends_on``, with no invitation to accept.

    An independent visitor (regulation 44) is invited alone: one home the inviter manages, no
    other role, and ``ends_on`` (the last day of their access, after today, within a year)."""
    email = _normalise_email(email)
    if not grants:
        raise ValidationError("Choose at least one role.")
    visitor = [g for g in grants if g[1] == Role.INDEPENDENT_VISITOR]
    if visitor:
        _check_visitor_grant(access, grants, ends_on)
    if access is not None:
        for grant in grants:
            _require(grant in visitor or can_grant(access, grant), "You cannot give that role.")
        actor = access.user
    existing = User.objects.filter(username__iexact=email).first()
    if existing is not None and existing.is_active:
        memberships = list(
            Membership.objects.filter(
                user=existing, organisation=organisation, is_active=True
            ).select_related("site")
        )
        if visitor:
            renewed = _visitor_renew(
                actor=actor,
                user=existing,
                memberships=memberships,
                grant=visitor[0],
                ends_on=ends_on,
            )
            if renewed is not None:
                return renewed
        # A role past its end date is not held: a visitor whose access ended may be invited again.
        held = {(m.site_id, m.role) for m in memberships if m.is_current()}
        if held and set(grants) <= held:
            raise ValidationError({"email": "This person already holds those roles here."})
        if held:
            raise ValidationError(
                {
                    "email": "This person is already a member of this organisation: change "
                    "their roles on their page instead."
                }
            )
    now = timezone.now()
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        job_title=job_title.strip(),
        roles=[
            {"site": site_id, "role": role}
            | ({"ends_on": ends_on.isoformat()} if role == Role.INDEPENDENT_VISITOR else {})
            for site_id, role in grants
        ],
        token_digest=_digest(secret),
        invited_by=actor,
        sent_at=now,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ValidationError(
            {
                "email": "This address has an invitation waiting already: resend it from the team page."
            }
        )
    audit_write(
        actor=actor,
        action=Action.CREATE,
        instance=invitation,
        before=None,
        after=snapshot(invitation, exclude=("token_digest",)),
        summary=f"Invited {email}",
    )
    link = f"{base_url.rstrip('/')}/accounts/invitation/{invitation_token(invitation, secret)}/"
    _send_invitation(
        invitation, link=link, inviter_name=actor.get_full_name() if actor else "Keywork"
    )
    return Sent(invitation=invitation, link=link)


def _visitor_renew(*, actor, user, memberships, grant: Grant, ends_on) -> Renewed | None:
    """The visitor of this home again (their access ended, or ends on another day): the role's
    last day becomes ``ends_on``, audited, and they are told by email. None when the person is
    not this home's visitor; refused when they hold another role here (a visitor holds none)."""
    site_id, role = grant
    membership = next(((m for m in memberships if (m.site_id, m.role) == grant)), None)
    if membership is None:
        return None
    if any(m.is_current() for m in memberships if m.pk != membership.pk):
        raise ValidationError(
            {
                "email": "This person holds another role here: an independent visitor holds "
                "no other role (regulation 43: independent of the provider)."
            }
        )
    name = user.get_full_name() or user.username
    if membership.ends_on == ends_on and membership.is_current():
        raise ValidationError(
            {
                "email": f"{name} is the independent visitor of {membership.site.name} until "
                f"{ends_on:%-d %B %Y} already."
            }
        )
    had_ended = not membership.is_current()
    before = snapshot(membership)
    membership.ends_on = ends_on
    membership.save(update_fields=["ends_on"])
    audit_write(
        actor=actor,
        action=Action.UPDATE,
        instance=membership,
        before=before,
        summary=f"Independent visitor's access renewed until {ends_on:%-d %B %Y}",
    )
    organisation = Organisation.objects.get(pk=membership.organisation_id)
    send_mail(
        subject=f"Your Keywork access to {membership.site.name} is renewed",
        message=render_to_string(
            "onboarding/email/visitor_renewed.txt",
            {
                "user": user,
                "site": membership.site,
                "organisation": organisation,
                "ends_on": ends_on,
                "renewed_by": actor.get_full_name() if actor else "Keywork",
            },
        ),
        from_email=None,
        recipient_list=[user.email or user.username],
    )
    return Renewed(membership=membership, had_ended=had_ended)


@transaction.atomic
def invitation_resend(*, access: Access, invitation: Invitation, base_url: str) -> Sent:
    """A new link (the old one stops working) with a new 7-day expiry, sent again."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.withdrawn_at:
        raise ValidationError("This invitation has been accepted or withdrawn already.")
    for grant in invitation.roles:
        _require(can_grant(access, (grant["site"], grant["role"])), "You cannot give that role.")
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_digest = _digest(secret)
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=INVITATION_DAYS)
    invitation.save(update_fields=["token_digest", "sent_at", "expires_at"])
    audit_write(
        actor=access.user,
        action=Action.UPDATE,
        instance=invitation,
        before=None,
        after={"sent_at": now.isoformat()},
        summary=f"Invitation to {invitation.email} sent again",
    )
    link = f"{base_url.rstrip('/')}/accounts/invitation/{invitation_token(invitation, secret)}/"
    _send_invitation(invitation, link=link, inviter_name=access.user.get_full_name())
    return Sent(invitation=invitation, link=link)


@transaction.atomic
def invitation_withdraw(*, access: Access, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError("This invitation has been accepted already.")
    if invitation.withdrawn_at:
        return invitation
    invitation.withdrawn_at = timezone.now()
    invitation.withdrawn_by = access.user
    invitation.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_write(
        actor=access.user,
        action=Action.RETRACT,
        instance=invitation,
        before=None,
        summary=f"Invitation to {invitation.email} withdrawn",
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation a link's token names, or None (unknown, wrong secret, any organisation).
    The caller runs inside ``organisation_scope`` of the token's organisation."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    _org_id, invitation_id, secret = parsed
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or not secrets.compare_digest(invitation.token_digest, _digest(secret)):
        return None
    return invitation


def existing_user_for(invitation: Invitation):
    """The account an invitation's address already has, if any (a person in another organisation,
    or a leaver invited back)."""
    return User.objects.filter(username__iexact=invitation.email).first()


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
):
    """Accept an open invitation: the account is made (or, for someone who has one and proved it
    with their password, reused), the roles are given, and the link stops working.

    ``password``: the new password for a new or returning account (already validated by the form),
    or None for an active account that signed in with its own. Returns the user.
    Errors: ValidationError when the invitation is no longer open."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    now = timezone.now()
    status = invitation.status(now)
    if status != Invitation.Status.PENDING:
        raise ValidationError(f"This invitation is {Invitation.Status(status).label.lower()}.")
    user = existing_user_for(invitation)
    if user is None:
        user = User(username=invitation.email, email=invitation.email)
    else:  # their roles may have changed since it was sent (a visitor's renewed, say)
        check_visitor_alone(
            Membership.objects.filter(
                user=user, organisation_id=invitation.organisation_id, is_active=True
            ).select_related("site"),
            [(grant["site"], grant["role"]) for grant in invitation.roles],
        )
    if first_name or not user.first_name:
        user.first_name = (first_name or invitation.first_name)[:150]
    if last_name or not user.last_name:
        user.last_name = (last_name or invitation.last_name)[:150]
    if password is not None:
        user.set_password(password)
    elif not user.is_active or not user.has_usable_password():
        raise ValidationError("Choose a password.")
    user.is_active = True
    user.save()
    for grant in invitation.roles:
        _membership_grant(
            user=user,
            organisation_id=invitation.organisation_id,
            site_id=grant["site"],
            role=grant["role"],
            job_title=invitation.job_title,
            actor=user,
            ends_on=datetime.date.fromisoformat(grant["ends_on"]) if grant.get("ends_on") else None,
        )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_write(
        actor=user,
        action=Action.UPDATE,
        instance=invitation,
        before=None,
        after={"accepted_at": now.isoformat()},
        summary=f"Invitation accepted by {invitation.email}",
    )
    return user
