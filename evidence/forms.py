"""Filters of What works and of the chronology, narrowed to the user's sites."""

import datetime

from django import forms

from .selectors import CHRONOLOGY_KINDS, MEASURES

MAX_SPAN_DAYS = 3 * 366  # bounded work: at most three years of targets at once


class WhatWorksFilter(forms.Form):
    site = forms.TypedChoiceField(label="Site", coerce=int, required=False, empty_value=None)
    start = forms.DateField(label="Targets set from", required=False)
    end = forms.DateField(label="to", required=False)
    key_worker = forms.TypedChoiceField(
        label="Key worker", coerce=int, required=False, empty_value=None
    )
    min_age = forms.IntegerField(label="Age from", min_value=3, max_value=25, required=False)
    max_age = forms.IntegerField(label="to", min_value=3, max_value=25, required=False)
    measure = forms.ChoiceField(
        label="Measure", choices=[(k, label) for k, label, _, _ in MEASURES], required=False
    )

    def __init__(self, *args, sites, key_workers, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["site"].choices = [("", "All my sites")] + [(s.pk, s.name) for s in sites]
        self.fields["key_worker"].choices = [("", "Anyone")] + list(key_workers)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self):
        data = super().clean()
        end = data.get("end") or self.today
        start = data.get("start") or end - datetime.timedelta(days=365)
        if start > end:
            self.add_error("start", "The start is after the end.")
        elif (end - start).days > MAX_SPAN_DAYS:
            self.add_error("start", "Choose at most three years at once.")
        lo, hi = data.get("min_age"), data.get("max_age")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("min_age", "The lower age is above the upper age.")
        data["start"], data["end"] = start, end
        data["measure"] = data.get("measure") or "negative"
        return data


class ChronologyFilter(forms.Form):
    kind = forms.MultipleChoiceField(
        label="Kinds of record",
        choices=[(k, label) for k, (label, _) in CHRONOLOGY_KINDS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    start = forms.DateField(label="From", required=False)
    end = forms.DateField(label="To", required=False)

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k, label) for k, label in self.fields["kind"].choices if k in allowed
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("start", "The start is after the end.")
        return data


class StoryPeriod(forms.Form):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The start is after the end.")
        if start and end and (end - start).days > MAX_SPAN_DAYS:
            raise forms.ValidationError("Choose at most three years at once.")
        return data
