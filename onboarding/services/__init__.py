"""Every write of an organisation running itself: invitations, roles, leavers, lost
authenticators, sites and the organisation's settings. Keyword-only arguments, one transaction each,
an audit entry for every change.

Who may do what (decided here, from ``tenancy.access.Access``):
- an organisation admin: everything in the organisation;
- a manager: invite, change roles, reset authenticators and deactivate people whose roles are all at
  sites they manage, granting key worker, moderator or manager at those sites only;
- nobody removes or deactivates the last organisation admin, nor deactivates themselves.

By responsibility: ``_common`` (who may do what), ``invitations``, ``members`` (roles, details,
leavers, lost authenticators) and ``sites`` (sites, settings, a new organisation); the names are
re-exported here, the app's one public face.
"""

from ..models import INVITATION_DAYS  # noqa: F401
from ._common import (  # noqa: F401
    LAST_ADMIN,
    SITE_ROLES,
    Grant,
    Reason,
    User,
    _active_admin_count,
    _lock_organisation,
    _require,
    can_act_on,
    can_grant,
    can_manage_staff,
    grantable_sites,
)
from .invitations import (  # noqa: F401
    VISITOR_MAX_DAYS,
    Renewed,
    Sent,
    _check_visitor_grant,
    _digest,
    _normalise_email,
    _send_invitation,
    existing_user_for,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_token,
    invitation_withdraw,
    parse_token,
)
from .members import (  # noqa: F401
    _current_allocation_count,
    _membership_grant,
    _other_active_memberships,
    current_caseload,
    member_authenticator_reset,
    member_deactivate,
    member_details_update,
    member_roles_set,
)
from .sites import (  # noqa: F401
    ORGANISATION_FIELDS,
    _check_name_free,
    _require_admin,
    _unique_slug,
    organisation_create,
    organisation_update,
    site_close,
    site_create,
    site_reopen,
    site_settings_update,
    site_update,
)
