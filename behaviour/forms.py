import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils import timezone

from people.forms import DateInput
from people.selectors import children_visible_to
from tenancy.forms import RetractForm as BaseRetractForm
from tenancy.forms import VersionedFormMixin
from tenancy.text import MAX_FREE_TEXT
from tenancy.timeutils import WallClockFormMixin, site_today

from . import codes
from .models import SLIP_TYPED_FIELDS, Appointment, Kind, Outcome, Session, SlipType


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


class SlipFieldsForm(WallClockFormMixin, forms.Form):
    """The fields a person types about a slip (or, at a children's home, an incident), shared by
    recording and correcting so that everything recorded can be corrected. ``use_words`` fits
    them to the site: a home has no lessons, class points, school sanctions or calls home
    (behaviour.words)."""

    # A service's error about the instant is shown beside the date (tenancy.forms).
    service_fields = {"occurred_at": "date", "kind": "slip_type"}

    slip_type = forms.ChoiceField(label="Type of slip")
    date = forms.DateField(widget=DateInput())
    time = forms.TimeField(widget=TimeInput())
    lesson = forms.CharField(label="Lesson or period", max_length=60, required=False)
    location = forms.CharField(max_length=60, required=False)
    what_happened = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_FREE_TEXT,
    )
    action_taken = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=MAX_FREE_TEXT
    )
    outcome = forms.ChoiceField(choices=Outcome.choices, required=False)
    outcome_detail = forms.CharField(label="Outcome details", max_length=200, required=False)
    points = forms.IntegerField(label="Class points", initial=0, min_value=-50, max_value=50)
    worth_a_call = forms.BooleanField(label="Worth a call home today (a reward)", required=False)

    def use_words(self, words, types, *, keep: dict | None = None) -> None:
        """Fit the fields to ``words`` (behaviour.words.Words). ``keep``: the values a record
        already has, kept as choices even where the site's words would not offer them."""
        keep = keep or {}
        self.words = words
        fields = self.fields
        fields["slip_type"].label = words.type_label
        choices = [("", "Choose…"), *words.kind_choices]
        types = list(types)
        if keep.get("slip_type") and keep["slip_type"] not in types:
            types.append(keep["slip_type"])
        if types:
            choices.append(("Your organisation's types", [(f"t{t.pk}", t.name) for t in types]))
        fields["slip_type"].choices = choices
        self.types = {f"t{t.pk}": t for t in types}
        outcomes = words.outcome_choices
        if keep.get("outcome") and keep["outcome"] not in dict(outcomes):
            outcomes.append((keep["outcome"], Outcome(keep["outcome"]).label))
        fields["outcome"].choices = outcomes
        record = words.record
        fields["what_happened"].help_text = (
            "Facts only: what was seen and heard, no opinions. Do not name other children here"
            + (
                ": choose them in the list below and each gets their own linked " + record + "."
                if "others" in fields
                else "."
            )
        )
        school_only = {
            "lesson": "Lesson or period",
            "points": "Class points",
            "worth_a_call": "Worth a call home today (a reward)",
        }
        for name, label in school_only.items():
            if not words.schools:
                del fields[name]
            else:
                fields[name].label = words.school_only(label)
        if "points" in fields and words.mixed:
            fields["points"].required = False

    def clean_slip_type(self):
        value = self.cleaned_data["slip_type"]
        if value in Kind.values:
            return (value, None)
        if value in self.types:
            return (self.types[value].kind, self.types[value])
        raise forms.ValidationError(f"Choose a {self.words.type_label.lower()}.")

    def when(self, data, site) -> None:
        """``occurred_at`` from the date and time on ``site``'s clocks; never in the future."""
        if data.get("date") and data.get("time"):
            instant = self.wall_clock(data["date"], data["time"], site.time_zone)
            if instant is not None:
                data["occurred_at"] = instant
            if data["date"] > site_today(site):
                self.add_error(
                    "date", f"{self.words.a_record.capitalize()} cannot be recorded for the future."
                )

    def service_data(self) -> dict:
        """What the services take: the kind and the organisation's type from the one choice, the
        instant from the date and time; a school-only field a home's form leaves out is absent."""
        data = dict(self.cleaned_data)
        kind, slip_type = data.pop("slip_type", (None, None))
        out = {"kind": kind, "slip_type": slip_type}
        if "occurred_at" in data:
            out["occurred_at"] = data["occurred_at"]
        for name in SLIP_TYPED_FIELDS:
            if name in self.fields:
                value = data.get(name)
                out[name] = 0 if name == "points" and value is None else value
        return out


class SlipForm(SlipFieldsForm):
    """Recording: the child and the other children involved, then the slip's own fields."""

    child = ChildChoiceField(queryset=None, label="Child")
    others = ChildrenField(
        queryset=None,
        required=False,
        label="Other children involved",
    )
    field_order = ["child", "slip_type"]

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
        from .words import for_sites

        writing = access.site_ids_for("behaviour", "write")
        words = for_sites([s for s in sites if s.pk in writing] or sites)
        self.fields[
            "others"
        ].help_text = f"Each gets a linked {words.record} and sees nothing of the others."
        self.use_words(words, types)
        self.add_fold_fields()

    def wall_clock_zones(self) -> list[str]:
        return [s.time_zone for s in self.access.all_sites] or ["Europe/London"]

    def clean(self):
        data = super().clean()
        child = data.get("child")
        if child:
            self.when(data, child.site)
            school_only_at_home(self, data, child.site)
        if child and data.get("others"):
            if child in data["others"]:
                self.add_error("others", f"{child.display_name} is the child this slip is for.")
            elsewhere = [o.display_name for o in data["others"] if o.site_id != child.site_id]
            if elsewhere:
                self.add_error(
                    "others", f"{', '.join(elsewhere)} at another site: record their slip there."
                )
        return data


def school_only_at_home(form, data, site, existing: dict | None = None) -> None:
    """A person who works at both kinds of site sees the school-only fields (marked so): filled
    in for a child at a children's home, each is refused beside itself (a value the record
    already had, left as it was, is not). The service refuses the same (``slip_site_fields``)."""
    from .services import slip_site_fields

    existing = existing or {}
    changed = {
        name: data.get(name)
        for name in ("lesson", "points", "worth_a_call", "outcome")
        if name in form.fields and data.get(name) != existing.get(name, object())
    }
    for name, message in slip_site_fields(site, changed).items():
        form.add_error(name, message)


# What a correction cannot change, and why (shown on the correction page; behaviour/records.py).
SLIP_FIXED = (
    (
        "child",
        "Who it is about",
        "{A_record} recorded for the wrong {child} is retracted (give that as the reason) and "
        "recorded again for the right one.",
    ),
    (
        "others",
        "Other {children} involved",
        "Each has their own linked {record}: correct or retract it from their page. Anyone "
        "missed out is given {a_record} of their own.",
    ),
)


class SlipCorrectForm(VersionedFormMixin, SlipFieldsForm):
    reason = forms.CharField(
        label="Reason for the correction", max_length=300, help_text="Kept with the record."
    )

    def __init__(self, *args, instance, **kwargs):
        from .words import for_site

        self.instance = instance
        site = instance.child.site
        when = timezone.localtime(instance.occurred_at, ZoneInfo(site.time_zone))
        initial = {name: getattr(instance, name) for name in SLIP_TYPED_FIELDS}
        initial["slip_type"] = (
            f"t{instance.slip_type_id}" if instance.slip_type_id else instance.kind
        )
        initial["date"] = when.date()
        initial["time"] = when.time().replace(second=0, microsecond=0)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["version"].initial = instance.version
        keep = {"slip_type": instance.slip_type, "outcome": instance.outcome}
        self.use_words(for_site(site), SlipType.objects.filter(is_active=True), keep=keep)
        self.add_fold_fields()
        self.order_fields(["slip_type", "date", "time", "time_fold"])

    def wall_clock_zones(self) -> list[str]:
        return [self.instance.child.site.time_zone]

    def clean(self):
        data = super().clean()
        self.when(data, self.instance.child.site)
        existing = {n: getattr(self.instance, n) for n in ("lesson", "points", "worth_a_call")}
        existing["outcome"] = self.instance.outcome
        school_only_at_home(self, data, self.instance.child.site, existing)
        return data


class RetractForm(BaseRetractForm):
    reason_label = "Reason for retracting"

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:  # in the slip's site's words
            site = instance.child.site
            self.reason_help = (
                f"For example “recorded for the wrong {site.child_word}”. The {instance.noun} is "
                "hidden, not deleted."
            )
        super().__init__(*args, instance=instance, **kwargs)


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
