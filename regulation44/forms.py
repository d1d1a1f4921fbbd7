from django import forms

from people.forms import DateInput

from .services import MAX_RECOMMENDATION_CHARS, MAX_RECOMMENDATIONS


class ReportForm(forms.Form):
    site = forms.TypedChoiceField(label="Home", coerce=int)
    visit_date = forms.DateField(label="Date of the visit", widget=DateInput())
    file = forms.FileField(
        label="Your report",
        help_text="PDF or Word (.docx), up to 10 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,application/pdf,application/vnd.openxmlformats-"
                   "officedocument.wordprocessingml.document"}
        ),
    )  # fmt: skip
    recommendations = forms.CharField(
        label="Recommendations",
        required=False,
        max_length=MAX_RECOMMENDATIONS * (MAX_RECOMMENDATION_CHARS + 2),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"One a line (at most {MAX_RECOMMENDATIONS}). Each becomes an action for the "
        "home's manager, who records their response.",
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.pk, s.name) for s in sites]
        if len(sites) == 1:
            self.fields["site"].initial = sites[0].pk
