from django import forms
from django.contrib.auth import get_user_model

from .models import Decision


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")  # what a date input reads


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class ConcernForm(forms.Form):
    happened_at = forms.DateTimeField(
        label="When it was seen or said",
        widget=DateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    what = forms.CharField(
        label="What you saw or heard",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text="Facts only: what happened, where, and what you did.",
    )
    child_words = forms.CharField(
        label="In the child's own words",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text="Write exactly what they said, where you can.",
    )
    present = forms.CharField(label="Who else was present", max_length=300, required=False)

    def __init__(self, *args, child_word: str = "child", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child_words"].label = f"In the {child_word}'s own words"


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label="Decision or action", choices=Decision.Kind.choices)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    decided_on = forms.DateField(label="Date", widget=DateInput)


class MarkerForm(forms.Form):
    before = forms.CharField(
        label="Staff should speak to the DSL before …",
        max_length=200,
        help_text='Neutral words only, for example "arranging family contact". Staff see this on '
        "the child's page without any details.",
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class LeadForm(forms.Form):
    site = forms.ChoiceField(label="Site")
    user = StaffChoiceField(label="Member of staff", queryset=get_user_model().objects.none())
    is_deputy = forms.TypedChoiceField(
        label="Role",
        choices=[("no", "Designated safeguarding lead"), ("yes", "Deputy")],
        coerce=lambda v: v == "yes",
    )

    def __init__(self, *args, sites, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.pk, s.name) for s in sites]
        self.fields["user"].queryset = staff
