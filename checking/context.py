"""The checker run as a user's organisation sees it: the names of the children, staff and sites
``access`` may see, and the organisation's own phrases and words. Every editor's live check and
every service's stored check go through ``run_check`` (or ``record_check``).

The organisation's settings are the ``quality`` app's (``QualitySettings``, edited on its settings
page); a lower layer cannot import it, so ``quality`` registers its reader at start-up:

    provide_settings(reader: Callable[[Access], settings | None]) -> None

``settings`` is anything with ``phrase_list``, ``word_list`` and ``disclosure_list`` (tuples of
str). Without a reader (or when the organisation has saved none) the defaults apply: no extra
phrases or words, and ``checker.safeguarding.DEFAULT_DISCLOSURE_PHRASES``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Case, OuterRef, Q, Subquery, TextField, Value, When

from people.models import Child, Guardian
from people.selectors import children_visible_to
from tenancy.access import Access
from tenancy.models import Membership

from .checker import SITE_DEFAULT, Context, Person, Report, check
from .checker.safeguarding import DEFAULT_DISCLOSURE_PHRASES

_settings_reader: Callable[[Access], object | None] | None = None


def provide_settings(reader: Callable[[Access], object | None]) -> None:
    """Register the function returning ``access``'s organisation's checker settings (one query).
    ``quality`` calls this in ``ready()``."""
    global _settings_reader
    _settings_reader = reader


def checker_settings(access: Access):
    """The organisation's checker settings, or ``None`` (the defaults). One query."""
    return _settings_reader(access) if _settings_reader else None


def check_context(
    access: Access,
    *,
    site_kind: str,
    record_kind: str = "note",
    child: Child | None = None,
    settings=None,
) -> Context:
    """Everything the checker needs about the organisation, in three queries: the children's names,
    the staff's names and (unless given) the organisation's settings. Sites come with ``access``."""
    if settings is None:
        settings = checker_settings(access)
    rows = children_visible_to(access).order_by("pk")
    if child is not None:
        # The chosen child's family members' names ride on the same query (their surnames are
        # not another child's): a subquery evaluated for that one row only.
        family = (
            Guardian.objects.filter(child_id=OuterRef("pk"), retracted_at__isnull=True)
            .order_by()
            .values("child_id")
            .annotate(names=StringAgg("name", "\n"))
            .values("names")
        )
        rows = rows.annotate(
            family=Case(
                When(pk=child.pk, then=Subquery(family)),
                default=Value(""),
                output_field=TextField(),
            )
        )
    else:
        rows = rows.annotate(family=Value("", output_field=TextField()))
    children, family_names = [], ()
    for pk, first, last, preferred, names in rows.values_list(
        "pk", "first_name", "last_name", "preferred_name", "family"
    ):  # query: the children's names (and the chosen child's family's)
        children.append(Person(first, last, preferred, pk))
        if names:
            family_names = tuple(sorted(n for n in names.split("\n") if n.strip()))
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
        children=tuple(children),
        staff_names=staff,
        place_names=places,
        child_id=child.pk if child else None,
        family_names=family_names,
        disclosure_phrases=settings.disclosure_list if settings else DEFAULT_DISCLOSURE_PHRASES,
    )


def run_check(
    access: Access,
    *,
    fields: dict[str, str],
    site_kind: str,
    record_kind: str = "note",
    child: Child | None = None,
    duration_minutes: int | None = None,
    quality_standards: tuple[int, ...] = (),
    max_minutes=SITE_DEFAULT,
) -> Report:
    """Check a record as ``access``'s organisation sees it: the one call a form's live check and a
    service's submit both make (store ``report.as_dict()`` and ``report.score`` with the record).
    ``max_minutes``: the site's longest session, from its compliance policy."""
    context = check_context(access, site_kind=site_kind, record_kind=record_kind, child=child)
    return check(
        fields,
        context,
        duration_minutes=duration_minutes,
        quality_standards=tuple(quality_standards),
        max_minutes=max_minutes,
    )


def record_check(
    access: Access, *, fields: dict[str, str], child: Child, record_kind: str = "note"
) -> tuple[int, dict]:
    """The check a service stores with a record it saves: (score, report as JSON)."""
    report = run_check(
        access, fields=fields, site_kind=child.site.kind, record_kind=record_kind, child=child
    )
    return report.score, report.as_dict()
