import datetime

from django import forms
from django.db.models import Q

from people.forms import DateInput
from people.selectors import children_visible_to
from tenancy.forms import RetractForm as BaseRetractForm
from tenancy.forms import VersionedFormMixin
from tenancy.text import MAX_FREE_TEXT
from tenancy.timeutils import WallClockFormMixin, site_today

from . import codes
from .models import Appointment, Kind, Outcome, Session


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ChildrenField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def current_visible_children(access, day: datetime.date):
    return (
        children_visible_to(access)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gt=day))
        .select_related("site")
        .order_by("last_name", "first_name")
    )


class SlipForm(WallClockFormMixin, forms.Form):
    child = ChildChoiceField(queryset=None, label="Child")
    slip_type = forms.ChoiceField(label="Type of slip")
    date = forms.DateField(widget=DateInput())
    time = forms.TimeField(widget=TimeInput())
    lesson = forms.CharField(label="Lesson or period", max_length=60, required=False)
    location = forms.CharField(max_length=60, required=False)
    what_happened = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_FREE_TEXT,
        help_text="Facts only. Do not name other children here: choose them in the list below "
        "and each gets their own linked slip.",
    )
    action_taken = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=MAX_FREE_TEXT
    )
    outcome = forms.ChoiceField(choices=Outcome.choices, required=False)
    outcome_detail = forms.CharField(label="Outcome details", max_length=200, required=False)
    points = forms.IntegerField(initial=0, min_value=-50, max_value=50)
    worth_a_call = forms.BooleanField(label="Worth a call home today (a reward)", required=False)
    others = ChildrenField(
        queryset=None,
        required=False,
        label="Other children involved",
        help_text="Each gets a linked slip and sees nothing of the others.",
    )

    def __init__(self, *args, access, types, child_word: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        sites = access.all_sites
        self.today = site_today(sites[0]) if sites else datetime.date.today()
        children = current_visible_children(access, self.today).filter(
            site_id__in=access.site_ids_for("behaviour", "write")
        )
        self.fields["child"].queryset = children
        self.fields["child"].label = child_word.capitalize()
        self.fields["others"].queryset = children
        self.fields["others"].label = f"Other {child_word}s involved".replace("persons", "people")
        choices = [("", "Choose…")] + list(Kind.choices)
        if types:
            choices.append(("Your organisation's types", [(f"t{t.pk}", t.name) for t in types]))
        self.fields["slip_type"].choices = choices
        self.types = {f"t{t.pk}": t for t in types}
        self.add_fold_fields()

    def wall_clock_zones(self) -> list[str]:
        return [s.time_zone for s in self.access.all_sites] or ["Europe/London"]

    def clean_slip_type(self):
        value = self.cleaned_data["slip_type"]
        if value in Kind.values:
            return (value, None)
        if value in self.types:
            return (self.types[value].kind, self.types[value])
        raise forms.ValidationError("Choose a type of slip.")

    def clean(self):
        data = super().clean()
        child = data.get("child")
        if child and data.get("date") and data.get("time"):
            instant = self.wall_clock(data["date"], data["time"], child.site.time_zone)
            if instant is not None:
                data["occurred_at"] = instant
            if data["date"] > site_today(child.site):
                self.add_error("date", "A slip cannot be recorded for the future.")
        if child and data.get("others"):
            if child in data["others"]:
                self.add_error("others", f"{child.display_name} is the child this slip is for.")
            elsewhere = [o.display_name for o in data["others"] if o.site_id != child.site_id]
            if elsewhere:
                self.add_error(
                    "others", f"{', '.join(elsewhere)} at another site: record their slip there."
                )
        return data


class SlipCorrectForm(VersionedFormMixin, forms.Form):
    what_happened = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_FREE_TEXT
    )
    action_taken = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=MAX_FREE_TEXT
    )
    outcome = forms.ChoiceField(choices=Outcome.choices, required=False)
    outcome_detail = forms.CharField(label="Outcome details", max_length=200, required=False)
    points = forms.IntegerField(min_value=-50, max_value=50)
    reason = forms.CharField(
        label="Reason for the correction", max_length=300, help_text="Kept with the record."
    )

    def __init__(self, *args, instance, **kwargs):
        self.instance = instance
        fields = ("what_happened", "action_taken", "outcome", "outcome_detail", "points")
        initial = {name: getattr(instance, name) for name in fields}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["version"].initial = instance.version


class RetractForm(BaseRetractForm):
    reason_label = "Reason for retracting"
    reason_help = "For example “recorded for the wrong pupil”. The slip is hidden, not deleted."


class SlipTypeForm(forms.Form):
    name = forms.CharField(max_length=60)
    kind = forms.ChoiceField(choices=Kind.choices, label="Counts as")


class SavedFilterForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name this filter")
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _site_field(sites):
    from tenancy.models import Site

    field = SiteChoiceField(queryset=Site.objects.filter(pk__in=[s.pk for s in sites]))
    field.empty_label = None
    return field


class RegisterChooseForm(forms.Form):
    date = forms.DateField(widget=DateInput())
    session = forms.ChoiceField(choices=Session.choices)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"site": _site_field(sites), **self.fields}


class PointsChooseForm(forms.Form):
    date = forms.DateField(widget=DateInput())
    lesson = forms.CharField(max_length=60, widget=forms.TextInput(attrs={"list": "lessons"}))

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"site": _site_field(sites), **self.fields}


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="Comma-separated, first row headings.")
    replace = forms.BooleanField(
        label="Replace existing marks that differ",
        required=False,
        help_text="Without this, a file that would change a mark already recorded is refused.",
    )

    def __init__(self, *args, sites, with_replace: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"site": _site_field(sites), **self.fields}
        if not with_replace:
            del self.fields["replace"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt")):
            raise forms.ValidationError(
                f"“{upload.name}” is not a CSV file. Export the data from your MIS as CSV."
            )
        return upload


class AppointmentForm(forms.ModelForm):
    class Meta:
        model = Appointment
        fields = ["date", "session", "kind", "note"]
        widgets = {"date": DateInput()}
        labels = {"session": "Session (leave empty if the whole day)"}


class PeriodForm(forms.Form):
    """The date-range presets for summaries and the certificate."""

    preset = forms.ChoiceField(required=False, label="Period")
    start = forms.DateField(required=False, widget=DateInput(), label="From")
    end = forms.DateField(required=False, widget=DateInput(), label="To")

    def __init__(self, *args, presets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = presets

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end date is before the start date.")
        return data


class TargetForm(forms.Form):
    weekly_target = forms.IntegerField(
        min_value=1, max_value=1000, label="Weekly class-points target"
    )


CODE_CHOICES = [("", "—")] + codes.grouped_choices()
