from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils import timezone

from behaviour.forms import TimeInput
from behaviour.models import Slip
from people.forms import DateInput
from tenancy.forms import RetractForm as BaseRetractForm
from tenancy.forms import VersionedFormMixin
from tenancy.timeutils import WallClockFormMixin, site_today

from .models import Contact, ContactSettings, email_subject_problem

CONFIRM_LABELS = {
    "confirm_duplicate": "I have checked: this second contact about the same slip is needed",
    "confirm_names": "I have checked the text: save it as it is",
    "confirm_restriction": "I have checked: this family time keeps to the restrictions",
}


class SlipChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, slip):
        when = slip.occurred_at.astimezone(ZoneInfo(slip.site.time_zone))
        return f"{when:%a %d %b %H:%M} — {slip.type_name}: {slip.what_happened[:60]}"


class GuardianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, guardian):
        return f"{guardian.name} ({guardian.relationship})"


class ConfirmMixin:
    """Warnings (another contact today about the same slip, another child's name, a contact
    restriction) are shown above the form with a box to tick; ticking it saves on the next post."""

    def add_confirmations(self, names):
        for name in names:
            self.fields[name] = forms.BooleanField(label=CONFIRM_LABELS[name], required=False)

    def confirmed(self) -> list[str]:
        return [n for n in CONFIRM_LABELS if self.data.get(n) in ("on", "true", "True", "1")]


class ContactForm(WallClockFormMixin, ConfirmMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of contact")
    purpose = forms.ChoiceField(choices=Contact.Purpose.choices[:3], initial="general")
    method = forms.ChoiceField(choices=Contact.Method.choices, initial="phone")
    direction = forms.ChoiceField(choices=Contact.Direction.choices, initial="made")
    date = forms.DateField(widget=DateInput())
    time = forms.TimeField(widget=TimeInput())
    guardian = GuardianChoiceField(
        queryset=None, required=False, label="Family member", empty_label="Someone else"
    )
    with_whom = forms.CharField(
        label="Who with",
        max_length=200,
        required=False,
        help_text="Name and role. Filled from the family member when one is chosen.",
    )
    professional_role = forms.ChoiceField(
        label="Professional's role", choices=Contact.ProfessionalRole.choices, required=False
    )
    slips = SlipChoiceField(
        queryset=None,
        required=False,
        label="About these slips",
        widget=forms.CheckboxSelectMultiple,
        help_text="A same-day call clears when it is linked to the slip it is about.",
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Facts only; no value judgements; never another child's information.",
    )
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    follow_up = forms.CharField(
        label="Follow-up", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    follow_up_by = forms.DateField(label="Follow up by", widget=DateInput(), required=False)
    supervised = forms.NullBooleanField(
        label="Family time supervised?",
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", "Supervised"), ("false", "Unsupervised")]),
    )

    def __init__(self, *args, child, slips, guardians, fixed_kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        self.fixed_kind = fixed_kind  # a correction keeps the contact's kind (CONTACT_FIXED)
        kinds = list(Contact.Kind.choices)
        if child.site.is_school:
            kinds = [k for k in kinds if k[0] not in ("family_time", "visit")]
            del self.fields["supervised"]
        else:
            self.fields["purpose"].choices = [Contact.Purpose.choices[0]]
            # A children's home's incidents, and no same-day call to clear (behaviour.words).
            self.fields["slips"].label = "About these incidents"
            self.fields["slips"].help_text = "The incidents this contact is about."
        self.fields["kind"].choices = kinds
        self.fields["slips"].queryset = slips
        self.fields["guardian"].queryset = guardians
        if fixed_kind:
            del self.fields["kind"]
        if fixed_kind or not slips.exists():
            del self.fields["slips"]
        self.add_fold_fields()

    def wall_clock_zones(self) -> list[str]:
        return [self.child.site.time_zone]

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            instant = self.wall_clock(data["date"], data["time"], self.child.site.time_zone)
            if instant is not None:
                data["occurred_at"] = instant
            if data["date"] > site_today(self.child.site):
                self.add_error("date", "A contact cannot be recorded for the future.")
        guardian = data.get("guardian")
        if guardian and not (data.get("with_whom") or "").strip():
            data["with_whom"] = f"{guardian.name} ({guardian.relationship})"
        if not (data.get("with_whom") or "").strip():
            self.add_error("with_whom", "Say who the contact was with, or choose a family member.")
        kind = self.fixed_kind or data.get("kind")
        if kind == Contact.Kind.FAMILY_TIME and data.get("supervised") is None:
            self.add_error("supervised", "Say whether the family time was supervised.")
        if kind == Contact.Kind.PROFESSIONAL and not data.get("professional_role"):
            self.add_error("professional_role", "Choose the professional's role.")
        return data


# What a correction cannot change, and why (shown on the correction page; contacts/records.py).
CONTACT_FIXED = (
    (
        "kind",
        "Kind of contact",
        "It decides which calls, visits and weekly updates the contact counts for. A contact "
        "logged as the wrong kind is retracted (give that as the reason) and logged again.",
    ),
    (
        "slips",
        "The slips it is about",
        "A same-day call clears the call due for the slips it names when it is saved. Linked to "
        "the wrong slip, retract it (give that as the reason) and log it again.",
    ),
)


class ContactCorrectForm(VersionedFormMixin, ContactForm):
    """Everything the person typed when logging the contact but its kind and slips
    (``CONTACT_FIXED``), with the same rules as logging it."""

    reason = forms.CharField(
        label="Reason for the correction", max_length=300, help_text="Kept with the record."
    )

    def __init__(self, *args, instance, **kwargs):
        from people.models import Guardian

        self.instance = instance
        child = instance.child
        when = timezone.localtime(instance.occurred_at, ZoneInfo(child.site.time_zone))
        initial = {
            name: getattr(instance, name)
            for name in (
                "purpose",
                "method",
                "direction",
                "with_whom",
                "professional_role",
                "summary",
                "outcome",
                "follow_up",
                "follow_up_by",
                "supervised",
            )
        }
        initial.update(
            date=when.date(),
            time=when.time().replace(second=0, microsecond=0),
            guardian=instance.guardian_id,
        )
        guardians = Guardian.objects.filter(child=child).filter(
            Q(retracted_at__isnull=True) | Q(pk=instance.guardian_id)
        )
        super().__init__(
            *args,
            initial=initial,
            child=child,
            slips=Slip.objects.none(),
            guardians=guardians,
            fixed_kind=instance.kind,
            **kwargs,
        )
        purposes = dict(self.fields["purpose"].choices)
        if instance.purpose not in purposes:  # a weekly update's own purpose stays as it was
            self.fields["purpose"].choices = [
                *self.fields["purpose"].choices,
                (instance.purpose, instance.get_purpose_display()),
            ]
        if instance.kind != Contact.Kind.FAMILY_TIME:
            self.fields.pop("supervised", None)
        self.order_fields(["date", "time", "time_fold"])


class RetractForm(BaseRetractForm):
    pass


class WeeklyUpdateForm(VersionedFormMixin, forms.Form):
    to_email = forms.EmailField(
        label="Send to",
        required=False,
        max_length=254,
        help_text="The social worker's address on record. Correct it here if a send failed: "
        "the corrected address is also saved on their record.",
    )
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Update",
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text="Pre-filled from the week's records. Edit it: facts only, no other child's "
        "information.",
    )

    def __init__(self, *args, instance=None, addendum=False, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        if addendum:
            self.fields["body"].label = "Addendum"
            self.fields["body"].help_text = (
                "What to add to the week's update that has been sent (it is sent and recorded "
                "as its own contact)."
            )


class UncertainUpdateForm(VersionedFormMixin, forms.Form):
    """An update that may have been sent: the person says what they found."""

    checked_not_received = forms.BooleanField(
        label="I have checked with the social worker (or our sent mail) and it did not arrive",
        required=False,
    )

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        if email_subject_problem(subject):
            raise forms.ValidationError(email_subject_problem(subject))
        return subject


class ContactSettingsForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ContactSettings
        fields = [
            "low_level_threshold",
            "call_after_high_level",
            "call_after_reward",
            "first_visit_days",
            "first_year_interval_weeks",
            "long_term_interval_months",
            "later_interval_weeks",
        ]


class ContactFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    site = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(
        choices=[("", "Any kind")] + list(Contact.Kind.choices), required=False
    )
    purpose = forms.ChoiceField(
        choices=[("", "Any purpose")] + list(Contact.Purpose.choices), required=False
    )
    start = forms.DateField(label="From", widget=DateInput(), required=False)
    end = forms.DateField(label="To", widget=DateInput(), required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = {str(s.pk): s for s in sites}
        self.fields["site"].choices = [("", "All sites")] + [(str(s.pk), s.name) for s in sites]

    def clean_site(self):
        value = self.cleaned_data.get("site")
        return self.sites.get(value) if value else None

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end date is before the start date.")
        return data
