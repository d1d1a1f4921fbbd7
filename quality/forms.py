from django import forms

from people.models import Child
from tenancy.forms import VersionedFormMixin

from .checker import QUALITY_STANDARDS
from .models import QualitySettings

MAX_TEXT = 50_000
KIND_LABELS = {"school": "School (pupil)", "home": "Children's home (young person)"}


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, child):
        return f"{child.full_name} ({child.site.name})"


class CheckTextForm(forms.Form):
    """The stand-alone "check a text" page: one record, its targets and, optionally, the child it is
    about (so other children's names are found) and the session's length and Quality Standards."""

    site_kind = forms.ChoiceField(label="Where the record is written", choices=())
    child = ChildChoiceField(
        queryset=Child.objects.none(),
        required=False,
        label="The child the record is about",
        empty_label="Nobody in particular",
    )
    text = forms.CharField(
        label="Record",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        max_length=MAX_TEXT,
        required=False,
    )
    targets = forms.CharField(
        label="Targets (one a line)",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        max_length=MAX_TEXT,
        required=False,
    )
    duration_minutes = forms.IntegerField(
        label="Session length in minutes", min_value=0, max_value=600, required=False
    )
    quality_standards = forms.TypedMultipleChoiceField(
        label="Quality Standards ticked (children's homes)",
        choices=[(n, title) for n, (title, _) in QUALITY_STANDARDS.items()],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, kinds: list[str], children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site_kind"].choices = [(k, KIND_LABELS[k]) for k in kinds]
        if kinds:
            self.fields["site_kind"].initial = kinds[0]
        if "home" not in kinds:
            del self.fields["quality_standards"]  # children's homes only
        self.fields["child"].queryset = children.select_related("site").order_by(
            "first_name", "last_name"
        )


class QualitySettingsForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = QualitySettings
        fields = ["banned_phrases", "accepted_words"]
        widgets = {
            "banned_phrases": forms.Textarea(attrs={"rows": 8}),
            "accepted_words": forms.Textarea(attrs={"rows": 8}),
        }

    def _clean_lines(self, name: str, longest: int) -> str:
        lines = [" ".join(line.split()) for line in self.cleaned_data[name].splitlines()]
        lines = [line for line in lines if line]
        too_long = [line for line in lines if len(line) > longest]
        if too_long:
            raise forms.ValidationError(
                f"Keep each line under {longest} characters: “{too_long[0][:40]}…” is longer."
            )
        if len(lines) > 500:
            raise forms.ValidationError("At most 500 lines.")
        return "\n".join(lines)

    def clean_banned_phrases(self):
        return self._clean_lines("banned_phrases", 80)

    def clean_accepted_words(self):
        value = self._clean_lines("accepted_words", 60)
        spaced = [w for w in value.splitlines() if " " in w]
        if spaced:
            raise forms.ValidationError(
                f"One word a line: “{spaced[0]}” has a space (hyphenated words are fine)."
            )
        return value
