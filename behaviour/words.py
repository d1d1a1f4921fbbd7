"""The words and fields of behaviour records, by the kind of site (DOMAIN.md: "one model, the words
change by site").

A school records *slips* (low level, high level, green, growth mindset) in lessons, with class
points, detentions and exclusions, and a call home the same day; a children's home records
*incidents* and positive behaviour: it has no lessons, class points, school sanctions or
same-day calls home (a high-level incident alerts the home's managers instead). A person who works
at both kinds of site sees both sets of words, each school-only field marked as such.

``for_sites(sites)`` (the sites a page is about: one slip's site, one child's site, or the
person's sites on a list) is the one place templates, forms, filters, charts and exports get
them from."""

from __future__ import annotations

from dataclasses import dataclass

from .models import HOME_KIND_LABELS, Kind, Outcome, kind_label

__all__ = ["HOME_KIND_LABELS", "Words", "for_site", "for_sites", "kind_label"]
# A school's sanctions (detention, suspension, exclusion) and its enrichment programme are not a
# children's home's: at a home the outcome is none, or another one the person describes.
HOME_OUTCOMES = (Outcome.NONE, Outcome.OTHER)
HOME_OUTCOME_LABELS = {Outcome.NONE: "None", Outcome.OTHER: "Other (say what in the details)"}
# Fields a person fills in only at a school.
SCHOOL_ONLY_FIELDS = ("lesson", "points", "worth_a_call")


@dataclass(frozen=True)
class Words:
    schools: bool  # a school is among the sites
    homes: bool  # a children's home is among the sites

    @property
    def mixed(self) -> bool:
        return self.schools and self.homes

    @property
    def record(self) -> str:
        """ "slip", "incident" or, for both, "slip or incident"."""
        if self.mixed:
            return "slip or incident"
        return "slip" if self.schools else "incident"

    @property
    def record_cap(self) -> str:
        return self.record[0].upper() + self.record[1:]

    @property
    def records(self) -> str:
        if self.mixed:
            return "slips and incidents"
        return "slips" if self.schools else "incidents"

    @property
    def a_record(self) -> str:
        return f"an {self.record}" if self.record[0] in "aeiou" else f"a {self.record}"

    @property
    def record_title(self) -> str:
        return f"Record {self.a_record}"

    @property
    def list_title(self) -> str:
        if self.mixed:
            return "Slips and incidents"
        return "Behaviour slips" if self.schools else "Incidents and behaviour"

    @property
    def type_label(self) -> str:
        return f"Type of {self.record}" if not self.mixed else "Type"

    def kind_label(self, kind: str) -> str:
        if self.mixed:
            school, home = kind_label(kind, school=True), kind_label(kind, school=False)
            return school if school == home else f"{school} / {home}"
        return kind_label(kind, school=self.schools)

    @property
    def kind_choices(self) -> list[tuple[str, str]]:
        return [(k, self.kind_label(k)) for k in Kind.values]

    @property
    def kind_labels(self) -> dict[str, str]:
        return dict(self.kind_choices)

    @property
    def outcome_choices(self) -> list[tuple[str, str]]:
        if self.schools:
            choices = list(Outcome.choices)
            return [
                (v, f"{label} (schools)") if v not in HOME_OUTCOMES and self.mixed else (v, label)
                for v, label in choices
            ]
        return [(v, HOME_OUTCOME_LABELS[v]) for v in HOME_OUTCOMES]

    # School-only fields: shown at a school, marked "(schools)" for someone at both, never at a
    # home.
    @property
    def lessons(self) -> bool:
        return self.schools

    @property
    def points(self) -> bool:
        return self.schools

    @property
    def calls_home(self) -> bool:
        return self.schools

    def school_only(self, label: str) -> str:
        return f"{label} (schools only)" if self.mixed else label


def for_sites(sites) -> Words:
    kinds = {site.is_school for site in sites}
    if not kinds:
        return Words(schools=True, homes=False)
    return Words(schools=True in kinds, homes=False in kinds)


def for_site(site) -> Words:
    return for_sites([site])
