"""The review's forms: the period of a new draft, a standard's evaluation and excerpts, the
overall evaluation, publishing and the date sent to Ofsted. Text lengths are bounded here."""

from django import forms

from tenancy.forms import VersionedFormMixin

from .selectors import MAX_EXCERPTS

TEXT_LIMIT = 10_000


def _date_widget():
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )


class PeriodForm(forms.Form):
    period_start = forms.DateField(label="From", widget=_date_widget())
    period_end = forms.DateField(label="To", widget=_date_widget())


class StandardForm(VersionedFormMixin, forms.Form):
    """One Quality Standard: the manager's evaluation, intended actions, and up to MAX_EXCERPTS
    sessions of the period chosen as excerpts. ``version``: the entry's (1 before it exists)."""

    version_required = True

    evaluation = _text(
        "Evaluation",
        "What the records show about the quality of care for this standard, and how you know.",
    )
    actions = _text("Intended actions", "What you will do to improve or keep it up, by when.")
    excerpts = forms.TypedMultipleChoiceField(
        label="Excerpts",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Choose up to {MAX_EXCERPTS} sessions whose record shows the standard in practice.",
    )

    def __init__(self, *args, candidates, version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version
        self.fields["excerpts"].choices = [
            (s.pk, f"{s.date:%d.%m.%Y} – {s.child.display_name}: {s.display_title}")
            for s in candidates
        ]

    def clean_excerpts(self):
        chosen = self.cleaned_data["excerpts"]
        if len(chosen) > MAX_EXCERPTS:
            raise forms.ValidationError(f"Choose at most {MAX_EXCERPTS} excerpts.")
        return chosen


class SummaryForm(VersionedFormMixin, forms.Form):
    version_required = True
    summary = _text("Overall evaluation", "The quality of care at the home over the period.")

    def __init__(self, *args, version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version


class PublishForm(VersionedFormMixin, forms.Form):
    """Publishing freezes the pack: the version of the review the manager was looking at."""

    version_required = True

    def __init__(self, *args, version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version


class SentForm(VersionedFormMixin, forms.Form):
    version_required = True
    sent_on = forms.DateField(label="Sent to Ofsted on", widget=_date_widget())

    def __init__(self, *args, version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version
