"""Team rows for a test organisation: an invitation waiting for a key worker at the school, so the
walk covers the invitation URLs; people are walked through the school's key worker."""

from tenancy.models import Role

from .factories import InvitationFactory


def extend(world) -> dict:
    invitation = InvitationFactory(
        organisation=world.org,
        email=f"new.starter@{world.org.slug}.example",
        first_name=f"{world.org.name.split()[0]}invitee",
        roles=[{"site": world.school.pk, "role": Role.KEY_WORKER}],
    )
    world.invitation = invitation
    return {"invitation_id": invitation.pk, "member_id": world.users["key_worker"].pk}
