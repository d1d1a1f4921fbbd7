"""Filters for the session lists. Every choice is narrowed to what the user may see."""

import calendar
import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from people.filters import StaffFilter
from people.forms import DateInput
from people.selectors import CASELOAD_ROLES, children_visible_to, staff_users

from .models import KeyWorkSession, QualityStandard, Topic


def period_bounds(
    preset: str, today: datetime.date, site_ids=()
) -> tuple[datetime.date, datetime.date] | None:
    if preset == "fortnight":
        return today - datetime.timedelta(days=13), today
    if preset == "half_term":  # the school's own term calendar (compliance keeps it)
        from tenancy.siterules import half_term

        return half_term(site_ids, today)
    if preset == "month":
        return today.replace(day=1), today.replace(
            day=calendar.monthrange(today.year, today.month)[1]
        )
    return None


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ChildFilter(django_filters.ModelChoiceFilter):
    field_class = ChildChoiceField


class SessionFilter(django_filters.FilterSet):
    child = ChildFilter(queryset=None, method="noop", label="Child")
    key_worker = StaffFilter(queryset=None, method="noop", label="Key worker")
    period = django_filters.ChoiceFilter(
        choices=[
            ("fortnight", "Last fortnight"),
            ("half_term", "This half term"),
            ("month", "This month"),
            ("custom", "Custom dates"),
        ],
        method="noop",
        label="Period",
        empty_label="Any time",
    )
    start = django_filters.DateFilter(method="noop", label="From", widget=DateInput())
    end = django_filters.DateFilter(method="noop", label="To", widget=DateInput())
    topic = django_filters.ModelChoiceFilter(
        queryset=None, method="noop", label="Topic", empty_label="Any topic"
    )
    quality_standard = django_filters.ChoiceFilter(
        choices=QualityStandard.choices,
        method="noop",
        label="Quality Standard",
        empty_label="Any",
    )
    focus = django_filters.ChoiceFilter(
        choices=KeyWorkSession.Focus.choices, method="noop", empty_label="Any focus"
    )
    status = django_filters.ChoiceFilter(
        choices=KeyWorkSession.Status.choices, method="noop", empty_label="Any status"
    )

    class Meta:
        model = KeyWorkSession
        fields: list[str] = []

    def __init__(self, data=None, *, access, site_ids, child_word: str, show: tuple, **kwargs):
        super().__init__(data, queryset=KeyWorkSession.objects.none(), **kwargs)
        self.show = show
        self.site_ids = sorted(site_ids)
        self.filters["child"].queryset = (
            children_visible_to(access).filter(site_id__in=site_ids).order_by("first_name")
        )
        self.filters["child"].label = child_word.capitalize()
        self.filters["child"].extra["empty_label"] = "Anyone"
        self.filters["key_worker"].extra["empty_label"] = "Anyone"
        self.filters["key_worker"].queryset = staff_users(site_ids, CASELOAD_ROLES)
        self.filters["topic"].queryset = Topic.objects.order_by("name")
        if "focus" not in show:  # no school among the sites: a home keeps months, not terms
            self.filters["period"].extra["choices"] = [
                c for c in self.filters["period"].extra["choices"] if c[0] != "half_term"
            ]

    def noop(self, queryset, name, value):
        # The selector applies these (it owns the query); the FilterSet validates and renders them.
        return queryset

    def values(self, today: datetime.date) -> dict:
        if not self.is_bound or not self.form.is_valid():
            return {}
        data = dict(self.form.cleaned_data)
        bounds = period_bounds(data.get("period") or "", today, self.site_ids)
        if bounds:
            data["start"], data["end"] = bounds
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.form.add_error("end", ValidationError("The end date is before the start date."))
            return {}
        return data
