from django import forms

from people.forms import DateInput

from . import parsers


class UploadForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None, empty_label=None)
    file = forms.FileField(
        label="Roll file",
        help_text="A common transfer file (CTF, .xml) or a CSV or Excel (.xlsx) roll, at most 5 MB.",
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > parsers.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB: export it in parts.")
        return upload


class CommitForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput)
    leavers = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Mark as left",
        help_text="Nobody is deleted: a leaver keeps every record, with a leaving date.",
    )
    leaving_date = forms.DateField(label="Leaving date for those ticked", widget=DateInput())

    def __init__(self, *args, leavers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leavers"].choices = [
            (str(c.pk), f"{c.full_name} (born {c.date_of_birth:%d/%m/%Y})") for c in leavers
        ]
