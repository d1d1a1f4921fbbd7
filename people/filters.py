import django_filters
from django import forms

from tenancy.models import Site

from .forms import StaffChoiceField
from .models import Child
from .selectors import CASELOAD_ROLES, staff_users


class StaffFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


class ChildFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_noop", label="Search", max_length=100)
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.none(), method="filter_noop")
    key_worker = StaffFilter(queryset=None, method="filter_noop", label="Key worker")
    no_key_worker = django_filters.BooleanFilter(
        method="filter_noop", label="No key worker", widget=forms.CheckboxInput
    )
    include_left = django_filters.BooleanFilter(
        method="filter_noop", label="Include those who have left", widget=forms.CheckboxInput
    )

    class Meta:
        model = Child
        fields: list[str] = []

    def __init__(self, data=None, *, access, **kwargs):
        super().__init__(data, queryset=Child.objects.none(), **kwargs)
        sites = Site.objects.filter(pk__in=access.visible_site_ids)
        self.filters["site"].queryset = sites
        self.filters["site"].extra["empty_label"] = "All sites"
        self.filters["key_worker"].extra["empty_label"] = "Anyone"
        self.filters["key_worker"].queryset = staff_users(access.visible_site_ids, CASELOAD_ROLES)

    def filter_noop(self, queryset, name, value):
        # The selector applies these (it owns the query); the FilterSet validates and renders them.
        return queryset
