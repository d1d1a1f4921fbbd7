import django_filters
from django import forms

from people.forms import DateInput, StaffChoiceField
from people.selectors import staff_users

from . import periods
from .forms import ChildChoiceField, current_visible_children
from .models import Slip
from .selectors import type_choices


class ChildFilter(django_filters.ModelChoiceFilter):
    field_class = ChildChoiceField


class StaffFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


class SlipFilter(django_filters.FilterSet):
    child = ChildFilter(queryset=None, method="filter_noop")
    types = django_filters.MultipleChoiceFilter(
        method="filter_noop", label="Types", widget=forms.CheckboxSelectMultiple
    )
    preset = django_filters.ChoiceFilter(
        method="filter_noop", label="Dates", choices=periods.PRESETS, empty_label=None
    )  # narrowed to the sites' words in __init__
    start = django_filters.DateFilter(method="filter_noop", label="From", widget=DateInput())
    end = django_filters.DateFilter(method="filter_noop", label="To", widget=DateInput())
    staff = StaffFilter(queryset=None, method="filter_noop", label="Recorded by")
    lesson = django_filters.CharFilter(method="filter_noop", label="Lesson or period")
    location = django_filters.CharFilter(method="filter_noop")

    class Meta:
        model = Slip
        fields: list[str] = []

    def __init__(self, data=None, *, access, types, today, child_word: str, words, **kwargs):
        """``words``: the words of the person's sites (behaviour.words): a home's list has no
        lesson filter, its kinds and dates in its own words."""
        super().__init__(data, queryset=Slip.objects.none(), **kwargs)
        self.words = words
        self.filters["preset"].extra["choices"] = periods.presets(words)
        if words.lessons:
            self.filters["lesson"].label = words.school_only("Lesson or period")
        else:
            del self.filters["lesson"]
        self.filters["child"].queryset = current_visible_children(access, today)
        self.filters["child"].label = child_word.capitalize()
        self.filters["child"].extra["empty_label"] = f"All {child_word}s".replace(
            "persons", "people"
        )
        self.filters["types"].extra["choices"] = type_choices(types, words)
        self.filters["staff"].extra["empty_label"] = "Anyone"
        self.filters["staff"].queryset = staff_users(access.visible_site_ids)

    def filter_noop(self, queryset, name, value):
        # The selector applies these (it owns the query); the FilterSet validates and renders them.
        return queryset
