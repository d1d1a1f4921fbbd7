"""Reads the checker needs, starting from ``Access`` so a user's check only ever knows the names of
the children, staff and sites they may see."""

from django.db.models import Q

from people.models import Child
from people.selectors import children_visible_to
from tenancy.access import Access
from tenancy.models import Membership

from .checker import Context, Person
from .models import QualitySettings


def quality_settings(access: Access) -> QualitySettings | None:
    return QualitySettings.objects.filter(organisation_id=access.organisation.pk).first()


def can_edit_settings(access: Access) -> bool:
    return access.is_org_admin or access.is_manager_anywhere


def site_kinds(access: Access) -> list[str]:
    """The kinds of site the user works in, schools first."""
    return sorted({site.kind for site in access.all_sites})


def check_context(
    access: Access,
    *,
    site_kind: str,
    record_kind: str = "note",
    child: Child | None = None,
    settings: QualitySettings | None = None,
) -> Context:
    """Everything the checker needs about the organisation, in three queries: the children's names,
    the staff's names and (unless given) the organisation's settings. Sites come with ``access``."""
    if settings is None:
        settings = quality_settings(access)
    children = tuple(
        Person(first, last, preferred, pk)
        for pk, first, last, preferred in children_visible_to(access)
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "preferred_name")
    )
    staff = tuple(
        sorted(
            {
                f"{first} {last}".strip()
                for first, last in Membership.objects.filter(
                    Q(site_id__in=access.visible_site_ids) | Q(site__isnull=True),
                    is_active=True,
                ).values_list("user__first_name", "user__last_name")
            }
        )
    )
    places = tuple(sorted({site.name for site in access.all_sites} | {access.organisation.name}))
    return Context(
        site_kind=site_kind,
        record_kind=record_kind,
        extra_phrases=settings.phrase_list if settings else (),
        accepted_words=settings.word_list if settings else (),
        children=children,
        staff_names=staff,
        place_names=places,
        child_id=child.pk if child else None,
    )
