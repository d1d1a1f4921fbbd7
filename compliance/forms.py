from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from tenancy.forms import VersionedFormMixin
from tenancy.models import Site

from .models import Holiday, Policy


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


POLICY_FIELDS = [
    "session_mode",
    "session_every_days",
    "sessions_per_month",
    "sessions_exceeding",
    "sessions_per_half_term",
    "session_max_minutes",
    "declined_attempts_count",
    "routine_contact",
    "routine_contact_every_days",
    "social_worker_visits",
    "plan_reviews",
    "due_soon_days",
]


class PolicyForm(VersionedFormMixin, forms.ModelForm):
    # The site's own limit (people's staff page warns against it): one number, edited here.
    caseload_limit = forms.IntegerField(
        label="Caseload limit",
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Most children one key worker should hold at this site.",
    )

    class Meta:
        model = Policy
        fields = POLICY_FIELDS

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseload_limit"].initial = site.caseload_limit
        if not site.is_school:
            # Term-time rules are a school's; a home's form leaves them out.
            self.fields.pop("sessions_per_half_term")
        else:
            self.fields.pop("social_worker_visits")
        self.fields["routine_contact"].label = "Routine contact"
        self.fields["session_mode"].label = "Sessions are due"

    def clean(self):
        data = super().clean()
        if data.get("session_mode") == Policy.SessionMode.PER_MONTH and not data.get(
            "sessions_per_month"
        ):
            self.add_error("sessions_per_month", "Say how many sessions a month are expected.")
        if data.get("session_mode") == Policy.SessionMode.EVERY_N_DAYS and not data.get(
            "session_every_days"
        ):
            self.add_error("session_every_days", "Say how many days may pass between sessions.")
        return data


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["name", "kind", "starts_on", "ends_on"]
        labels = {"starts_on": "First day", "ends_on": "Last day"}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def clean(self):
        data = super().clean()
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", "The last day cannot be before the first day.")
        if first and last and (last - first).days > 62:
            self.add_error("ends_on", "A holiday longer than nine weeks is probably a typing slip.")
        return data


class RegionForm(forms.Form):
    region = forms.ChoiceField(
        label="Bank holidays of",
        choices=Site._meta.get_field("region").choices,
        help_text="GOV.UK publishes one list for England and Wales, one for Scotland and one for "
        "Northern Ireland.",
    )
