from django import forms
from django.contrib.auth import get_user_model

from people.selectors import staff_users
from tenancy.forms import VersionedFormMixin

from .models import Kind, Source, State


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")  # what a date input reads


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label="What kind of action", choices=Kind.choices)
    # Required fields are checked by the service (``items._validate``), all at once.
    title = forms.CharField(label="What needs to be done", max_length=300, required=False)
    details = forms.CharField(
        label="Details", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    owner = StaffChoiceField(
        label="Who will do it",
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="Leave empty for a matter for the manager: every manager of the site sees it.",
    )
    due_on = forms.DateField(label="Due by", widget=DateInput, required=False)
    agency = forms.CharField(
        label="Agency (referrals)",
        max_length=100,
        required=False,
        help_text="For example MOSAIC, CAMHS or early help.",
    )
    made_on = forms.DateField(label="Referral made on", widget=DateInput, required=False)
    source = forms.ChoiceField(choices=Source.choices, widget=forms.HiddenInput, required=False)
    source_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, site_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users([site_id])


class CloseForm(VersionedFormMixin, forms.Form):
    state = forms.ChoiceField(
        label="Outcome",
        choices=[(State.DONE, "Done"), (State.CANCELLED, "Cancelled")],
        widget=forms.RadioSelect,
        initial=State.DONE,
    )
    note = forms.CharField(
        label="Note (what was done, or why it is cancelled)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ReferralForm(VersionedFormMixin, forms.Form):
    agency = forms.CharField(max_length=100)
    made_on = forms.DateField(label="Referral made on", widget=DateInput, required=False)
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )


class SignificantForm(forms.Form):
    visit_within_days = forms.IntegerField(
        label="Social worker to visit within (days)",
        min_value=0,
        max_value=42,
        help_text="0 means as soon as possible (due today).",
    )
    meeting_needed = forms.TypedChoiceField(
        label="Is a professionals meeting needed?",
        choices=[("yes", "Yes: add an action to arrange it"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    notified_how = forms.ChoiceField(
        label="How the social worker was told",
        choices=[("phone", "Phone"), ("email", "Email"), ("in_person", "In person")],
    )
    notification = forms.CharField(
        label="What the social worker was told",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        days = site.significant_visit_days
        field = self.fields["visit_within_days"]
        field.initial = days
        field.help_text = f"0 means as soon as possible (due today). {site.name}'s setting is " + (
            "as soon as possible." if days == 0 else f"{days} day{'s' if days != 1 else ''}."
        )
