"""Every write of an organisation running itself: invitations, roles, leavers, lost
authenticators, sites and the organisation's settings. Keyword-only arguments, one transaction each,
an audit entry for every change.

Who may do what (decided here, from ``tenancy.access.Access``):
- an organisation admin: everything in the organisation;
- a manager: invite, change roles, reset authenticators and deactivate people whose roles are all at
  sites they manage, granting key worker, moderator or manager at those sites only;
- nobody removes or deactivates the last organisation admin, nor deactivates themselves.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from accounts import services as accounts_services
from people.models import Child, KeyWorkerAllocation
from people.services import allocation_change
from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.context import organisation_scope, user_scope
from tenancy.models import AuditEvent, Membership, Organisation, Role, Site
from tenancy.timeutils import site_today

from .models import INVITATION_DAYS, Invitation
from .selectors import describe_roles, memberships_of

User = get_user_model()
Reason = KeyWorkerAllocation.Reason
SITE_ROLES = (Role.KEY_WORKER, Role.MODERATOR, Role.MANAGER)

Grant = tuple[int | None, str]  # (site id, or None for organisation admin; role)


# ---------------------------------------------------------------- who may do what


def can_manage_staff(access: Access) -> bool:
    """Organisation admins, and managers (for their own sites)."""
    return access.is_org_admin or bool(access.managed_site_ids)


def grantable_sites(access: Access) -> list[Site]:
    """Sites where ``access`` may give roles: every open site for an admin, managed ones otherwise."""
    # managed_site_ids already leaves closed sites out, and is every open site for an admin.
    return [s for s in access.all_sites if s.pk in access.managed_site_ids]


def can_grant(access: Access, grant: Grant) -> bool:
    site_id, role = grant
    if role == Role.ORG_ADMIN:
        return access.is_org_admin and site_id is None
    return role in SITE_ROLES and site_id in {s.pk for s in grantable_sites(access)}


def can_act_on(access: Access, memberships: list[Membership]) -> bool:
    """A person (their memberships in this organisation) is within reach of ``access``: an admin
    reaches everyone; a manager reaches people whose every role is at a site they manage."""
    if access.is_org_admin:
        return True
    if not memberships or not access.managed_site_ids:
        return False
    return all(
        m.role != Role.ORG_ADMIN and m.site_id in access.managed_site_ids for m in memberships
    )


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _lock_organisation(organisation_id: int) -> None:
    # Serialises every change of who holds which role in one organisation, so two admins
    # removing each other at the same moment cannot leave it with none.
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()


def _active_admin_count(organisation_id: int) -> int:
    return Membership.objects.filter(
        organisation_id=organisation_id, role=Role.ORG_ADMIN, is_active=True, user__is_active=True
    ).count()


LAST_ADMIN = (
    "This is the organisation's only organisation admin: make someone else an organisation "
    "admin first, so that someone can still run the organisation."
)


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
    link (shown by the command in development).

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
        held = set(
            Membership.objects.filter(
                user=existing, organisation=organisation, is_active=True
            ).values_list("site_id", "role")
        )
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


# ---------------------------------------------------------------- roles


def _membership_grant(
    *, user, organisation_id, site_id, role, job_title, actor, ends_on=None
) -> Membership:
    membership = Membership.objects.filter(
        user=user, organisation_id=organisation_id, site_id=site_id, role=role
    ).first()
    if membership is None:
        membership = Membership.objects.create(
            user=user,
            organisation_id=organisation_id,
            site_id=site_id,
            role=role,
            job_title=job_title,
            ends_on=ends_on,
        )
        audit_write(actor=actor, action=Action.CREATE, instance=membership, before=None)
    elif not membership.is_active or (ends_on and membership.ends_on != ends_on):
        before = snapshot(membership)
        membership.is_active = True
        membership.ends_on = ends_on or membership.ends_on
        if job_title:
            membership.job_title = job_title
        membership.save(update_fields=["is_active", "job_title", "ends_on"])
        audit_write(actor=actor, action=Action.UPDATE, instance=membership, before=before)
    return membership


def _current_allocation_count(user, site_id: int) -> int:
    return KeyWorkerAllocation.objects.filter(
        staff=user, child__site_id=site_id, kind="primary", ends_on__isnull=True
    ).count()


@transaction.atomic
def member_roles_set(*, access: Access, user, grants: set[Grant]) -> list[str]:
    """Make ``user``'s active roles, among those ``access`` may give, exactly ``grants``; roles
    outside the actor's reach are left as they are. Returns what changed, in words.

    Errors: PermissionDenied (out of reach), ValidationError (the last organisation admin; no role
    left; a key worker role taken away while they still hold children there)."""
    organisation_id = access.organisation.pk
    _lock_organisation(organisation_id)
    memberships = memberships_of(user.pk)
    _require(
        access.is_org_admin
        or any(m.site_id in access.managed_site_ids for m in memberships if m.is_active),
        "You cannot change this person's roles.",
    )
    for grant in grants:
        _require(can_grant(access, grant), "You cannot give that role.")
    if grants and any(m.is_active and m.role == Role.INDEPENDENT_VISITOR for m in memberships):
        raise ValidationError(
            "An independent visitor holds no other role (regulation 43: independent of the provider)."
        )
    in_reach = {
        (m.site_id, m.role)
        for m in memberships
        if m.is_active and can_grant(access, (m.site_id, m.role))
    }
    kept_elsewhere = {
        (m.site_id, m.role)
        for m in memberships
        if m.is_active and (m.site_id, m.role) not in in_reach
    }
    if not grants and not kept_elsewhere:
        raise ValidationError(
            "Leave at least one role. To end someone's access, use “Deactivate” instead."
        )
    changes = []
    for site_id, role in sorted(in_reach - grants, key=str):
        membership = next(
            m for m in memberships if m.is_active and (m.site_id, m.role) == (site_id, role)
        )
        if role in (Role.KEY_WORKER, Role.MANAGER) and not (
            {(site_id, Role.KEY_WORKER), (site_id, Role.MANAGER)} & grants
        ):
            held = _current_allocation_count(user, site_id)
            if held:
                raise ValidationError(
                    f"{user.get_full_name()} is still key worker for {held} "
                    f"{'child' if held == 1 else 'children'} at {membership.site.name}: change "
                    "their key worker first, or deactivate this person (which asks who takes each)."
                )
        before = snapshot(membership)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=membership,
            before=before,
            summary="Role removed",
        )
        changes.append(f"removed {membership}")
    for site_id, role in sorted(grants - in_reach, key=str):
        membership = _membership_grant(
            user=user,
            organisation_id=organisation_id,
            site_id=site_id,
            role=role,
            job_title="",
            actor=access.user,
        )
        changes.append(f"added {membership}")
    if _active_admin_count(organisation_id) == 0:
        raise ValidationError(LAST_ADMIN)
    return changes


@transaction.atomic
def member_details_update(
    *, access: Access, user, first_name: str, last_name: str, job_title: str
) -> None:
    """A member's name (their account's, seen in every organisation they belong to) and their
    job title here, audited on their memberships. Errors: PermissionDenied when out of reach."""
    memberships = [m for m in memberships_of(user.pk) if m.is_active]
    _require(bool(memberships) and can_act_on(access, memberships), "You cannot do that.")
    first_name, last_name, job_title = first_name.strip(), last_name.strip(), job_title.strip()
    if (user.first_name, user.last_name) != (first_name, last_name):
        before = {"first_name": user.first_name, "last_name": user.last_name}
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=memberships[0],
            before=before,
            after={"first_name": first_name, "last_name": last_name},
            summary="Name changed",
        )
    for membership in memberships:
        if membership.job_title != job_title:
            before = snapshot(membership)
            membership.job_title = job_title
            membership.save(update_fields=["job_title"])
            audit_write(actor=access.user, action=Action.UPDATE, instance=membership, before=before)


# ---------------------------------------------------------------- leavers and lost authenticators


def current_caseload(user) -> list[KeyWorkerAllocation]:
    """The leaver's current key-worker allocations in this organisation (child and site joined)."""
    return list(
        KeyWorkerAllocation.objects.filter(
            staff=user, kind=KeyWorkerAllocation.Kind.PRIMARY, ends_on__isnull=True
        )
        .select_related("child", "child__site")
        .order_by("child__last_name", "child__first_name")
    )


def _other_active_memberships(user, *, organisation_id: int) -> bool:
    # Explicit escape: the leaver's memberships in other organisations decide whether their
    # account stays usable. Row-level security shows a user's own memberships in user scope.
    with user_scope(user.pk):
        return (
            Membership.unscoped.filter(user=user, is_active=True, organisation__is_active=True)
            .exclude(organisation_id=organisation_id)
            .exists()
        )


@transaction.atomic
def member_deactivate(
    *, access: Access, user, successors: dict[int, object], detail: str = ""
) -> int:
    """A leaver: each child they are key worker for goes to the colleague in ``successors``
    (child id → user) with the reason "staff member leaving"; their roles here end; every record
    they wrote stays. Their sign-in stops at once: their sessions are ended, and an account with no
    other organisation is closed (no password, no authenticator). Returns children moved.

    Errors: PermissionDenied; ValidationError (themselves, the last admin, a child with no
    successor, a successor who cannot hold that child)."""
    organisation_id = access.organisation.pk
    _lock_organisation(organisation_id)
    memberships = [m for m in memberships_of(user.pk) if m.is_active]
    _require(can_act_on(access, memberships), "You cannot deactivate this person.")
    if user.pk == access.user.pk:
        raise ValidationError("You cannot deactivate yourself: ask another organisation admin.")
    if not memberships:
        raise ValidationError("This person is not active in this organisation.")
    moved = 0
    errors = {}
    for allocation in current_caseload(user):
        child = allocation.child
        successor = successors.get(child.pk)
        if successor is None:
            errors[f"child_{child.pk}"] = f"Choose who takes {child.first_name} {child.last_name}."
            continue
        starts_on = site_today(child.site)
        if starts_on <= allocation.starts_on:
            starts_on = allocation.starts_on + datetime.timedelta(days=1)
        try:
            allocation_change(
                access=access,
                child=child,
                staff=successor,
                starts_on=starts_on,
                reason=Reason.STAFF_LEAVING,
                detail=detail or f"{user.get_full_name()} left.",
            )
        except ValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            errors[f"child_{child.pk}"] = " ".join(m for ms in messages.values() for m in ms)
            continue
        moved += 1
    if errors:
        raise ValidationError(errors)
    # Cover they were giving now ends today (cover planned for later is listed on the page).
    today = timezone.localdate()
    for cover in KeyWorkerAllocation.objects.filter(
        staff=user, kind=KeyWorkerAllocation.Kind.COVER, starts_on__lt=today, ends_on__gt=today
    ):
        before = snapshot(cover)
        cover.ends_on = today
        cover.end_reason = Reason.STAFF_LEAVING
        cover.save(update_fields=["ends_on", "end_reason"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=cover,
            before=before,
            summary="Cover ended: staff member leaving",
        )
    for membership in memberships:
        before = snapshot(membership)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=membership,
            before=before,
            summary="Deactivated: staff member leaving",
        )
    if _active_admin_count(organisation_id) == 0:
        raise ValidationError(LAST_ADMIN)
    if not _other_active_memberships(user, organisation_id=organisation_id):
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        accounts_services.authenticator_remove(user=user)
    accounts_services.sessions_end(user=user)
    return moved


@transaction.atomic
def member_authenticator_reset(*, access: Access, user, reason: str) -> None:
    """A member lost their phone: their authenticator and recovery codes are removed and their
    sessions ended, so at their next sign-in (password) they set up a new one. The caller has
    re-authenticated ``access.user`` (accounts.decorators.confirmation_needed)."""
    memberships = [m for m in memberships_of(user.pk) if m.is_active]
    _require(bool(memberships) and can_act_on(access, memberships), "You cannot do that.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the authenticator is being reset."})
    if user.pk == access.user.pk:
        raise ValidationError(
            "You cannot reset your own authenticator here: use one of your recovery codes, or "
            "ask another organisation admin."
        )
    accounts_services.authenticator_remove(user=user)
    audit_write(
        actor=access.user,
        action=Action.UPDATE,
        instance=memberships[0],
        before=None,
        after={"authenticator": "reset"},
        summary=f"Authenticator reset for {user.get_full_name() or user.username}: {reason}",
    )


# ---------------------------------------------------------------- sites and settings


def _require_admin(access: Access) -> None:
    _require(access.is_org_admin, "Only an organisation admin can do that.")


def _check_name_free(site: Site) -> None:
    if Site.objects.filter(name__iexact=site.name.strip()).exclude(pk=site.pk).exists():
        raise ValidationError({"name": f"There is already a site called “{site.name}”."})


@transaction.atomic
def site_create(*, access: Access, **fields) -> Site:
    """A new school or children's home, with its compliance policy (and, for a school, the England
    term calendar) from the defaults."""
    from compliance.services import policy_ensure

    _require_admin(access)
    site = Site(organisation=access.organisation, **fields)
    _check_name_free(site)
    site.full_clean()
    site.save()
    audit_write(actor=access.user, action=Action.CREATE, instance=site, before=None)
    policy_ensure(site=site, actor=access.user)
    return site


@transaction.atomic
def site_update(*, access: Access, site: Site, **fields) -> Site:
    """Errors: ValidationError for a change of kind once the site has children (their records
    use the site's words and rules), and for a closed site."""
    _require_admin(access)
    site = Site.objects.select_for_update().get(pk=site.pk)
    if site.is_closed:
        raise ValidationError("This site is closed: its details are kept as they were.")
    before = snapshot(site)
    if fields.get("kind", site.kind) != site.kind and Child.objects.filter(site=site).exists():
        raise ValidationError({"kind": "This site has children's records: its kind cannot change."})
    for name, value in fields.items():
        setattr(site, name, value)
    _check_name_free(site)
    site.full_clean()
    site.save()
    audit_write(actor=access.user, action=Action.UPDATE, instance=site, before=before)
    return site


@transaction.atomic
def site_close(*, access: Access, site: Site, closed_on: datetime.date) -> Site:
    """Close a site: its records are kept and read-only (nobody manages, moderates or records
    there any more). Every child must have left by ``closed_on`` first.

    Errors: ValidationError naming how many children are still there."""
    _require_admin(access)
    site = Site.objects.select_for_update().get(pk=site.pk)
    if site.is_closed:
        return site
    staying = (
        Child.objects.filter(site=site)
        .exclude(leaving_date__isnull=False, leaving_date__lte=closed_on)
        .count()
    )
    if staying:
        word = site.child_word if staying == 1 else site.children_word
        raise ValidationError(
            {
                "closed_on": f"{staying} {word} will still be at {site.name} on that day: record "
                "their leaving dates first (their key workers' allocations end with them)."
            }
        )
    # Every child has left: any key-worker or cover allocation still open ends on the child's
    # leaving date (as a leaving date entered on the child's page does), so nobody records for them.
    for allocation in KeyWorkerAllocation.objects.filter(child__site=site).select_related("child"):
        leaving = allocation.child.leaving_date
        if allocation.ends_on is not None and allocation.ends_on <= leaving:
            continue
        before = snapshot(allocation)
        allocation.ends_on = max(leaving, allocation.starts_on + datetime.timedelta(days=1))
        allocation.end_reason = Reason.CHILD_LEFT
        allocation.save(update_fields=["ends_on", "end_reason"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=allocation,
            before=before,
            summary="Site closed: child left",
        )
    before = snapshot(site)
    site.closed_on = closed_on
    site.save(update_fields=["closed_on"])
    audit_write(
        actor=access.user, action=Action.UPDATE, instance=site, before=before, summary="Closed"
    )
    return site


@transaction.atomic
def site_reopen(*, access: Access, site: Site) -> Site:
    _require_admin(access)
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = snapshot(site)
    site.closed_on = None
    site.save(update_fields=["closed_on"])
    audit_write(
        actor=access.user, action=Action.UPDATE, instance=site, before=before, summary="Reopened"
    )
    return site


ORGANISATION_FIELDS = ("name", "idle_timeout_minutes", "school_retention_years")


@transaction.atomic
def organisation_update(*, access: Access, **fields) -> Organisation:
    """The organisation's own settings (name, idle timeout, school retention), audited."""
    _require_admin(access)
    organisation = Organisation.objects.select_for_update().get(pk=access.organisation.pk)
    before = {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}
    for name, value in fields.items():
        if name not in ORGANISATION_FIELDS:
            raise ValueError(name)
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save(update_fields=list(fields))
    after = {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}
    # The organisation is the tenant itself, not a row of it, so the entry is written directly
    # (tenancy.audit.audit_write reads the instance's organisation_id).
    AuditEvent.objects.create(
        organisation_id=organisation.pk,
        actor=access.user,
        action=Action.UPDATE,
        object_type=organisation._meta.label_lower,
        object_id=organisation.pk,
        object_repr=str(organisation)[:200],
        summary="Organisation settings changed",
        before=before,
        after=after,
    )
    return organisation


# ---------------------------------------------------------------- a new organisation


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    admin_email: str,
    base_url: str,
    site_name: str = "",
    site_kind: str = "",
) -> tuple[Organisation, Site | None, Sent]:
    """For whoever runs the service (``manage.py create_organisation``): the tenant, optionally
    its first site (with the default policy and, for a school, the England term calendar; every
    site added later in the app gets them too), and the first organisation admin's invitation.

    Errors: ValidationError for a name another organisation has, or a bad email or kind."""
    from django.core.validators import validate_email

    from compliance.services import policy_ensure

    name = name.strip()
    if not name:
        raise ValidationError("Give the organisation a name.")
    validate_email(admin_email)
    if kind not in Organisation.Kind.values:
        raise ValidationError(f"Kind must be one of {', '.join(Organisation.Kind.values)}.")
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(f"An organisation called “{name}” exists already.")
    organisation = Organisation(name=name, kind=kind, slug=_unique_slug(name))
    organisation.full_clean()
    organisation.save()
    site = None
    with organisation_scope(organisation.pk):
        if site_name:
            site = Site(organisation=organisation, name=site_name.strip(), kind=site_kind)
            site.full_clean()
            site.save()
            audit_write(actor=None, action=Action.CREATE, instance=site, before=None)
            policy_ensure(site=site)
        sent = invitation_create(
            access=None,
            organisation=organisation,
            email=admin_email,
            first_name="",
            last_name="",
            grants=[(None, Role.ORG_ADMIN)],
            base_url=base_url,
        )
    return organisation, site, sent
