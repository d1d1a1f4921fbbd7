from django import forms

from checking.checker import MAX_CHECKED_CHARS, QUALITY_STANDARDS
from people.forms import DateInput
from people.models import Child
from tenancy.forms import VersionedFormMixin
from tenancy.text import normalise

from .models import SCORE_LABELS, ModerationSettings, QualitySettings

MAX_TEXT = MAX_CHECKED_CHARS  # one number: what a form accepts is what the checker checks
KIND_LABELS = {"school": "School (pupil)", "home": "Children's home (young person)"}


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, child):
        return f"{child.display_name} ({child.site.name})"


class CheckTextForm(forms.Form):
    """The stand-alone "check a text" page: one record, its targets and, optionally, the child it is
    about (so other children's names are found) and the session's length and Quality Standards."""

    site_kind = forms.ChoiceField(
        label="Where the record is written",
        choices=(),
        help_text="When you choose a child, their site decides.",
    )
    child = ChildChoiceField(
        queryset=Child.objects.none(),
        required=False,
        label="The child the record is about",  # the reader's word: __init__
        empty_label="Nobody in particular",
        help_text="Choose them to have other children's names picked up.",
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
        # The reader's word: pupil at a school, young person at a home, child when they work in both.
        one, many = {"school": ("pupil", "pupils"), "home": ("young person", "young people")}.get(
            kinds[0] if len(set(kinds)) == 1 else "", ("child", "children")
        )
        self.fields["child"].label = f"The {one} the record is about"
        whose = f"{many}'" if many.endswith("s") else f"{many}'s"  # pupils', young people's
        self.fields["child"].help_text = f"Choose them to have other {whose} names picked up."
        if kinds:
            self.fields["site_kind"].initial = kinds[0]
        if "home" not in kinds:
            del self.fields["quality_standards"]  # children's homes only
        self.fields["child"].queryset = children.select_related("site").order_by(
            "first_name", "last_name"
        )

    def clean(self):
        data = super().clean()
        total = len(data.get("text") or "") + len(data.get("targets") or "")
        if total > MAX_TEXT:
            raise forms.ValidationError(
                f"The record and its targets are {total:,} characters together: the checker takes "
                f"at most {MAX_TEXT:,} at once. Check the record in parts."
            )
        return data


class QualitySettingsForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = QualitySettings
        fields = ["banned_phrases", "accepted_words", "disclosure_phrases"]
        widgets = {
            "banned_phrases": forms.Textarea(attrs={"rows": 8}),
            "accepted_words": forms.Textarea(attrs={"rows": 8}),
            "disclosure_phrases": forms.Textarea(attrs={"rows": 8}),
        }

    MAX_LINES = 500

    def _clean_lines(self, name: str, longest: int) -> str:
        raw = normalise(self.cleaned_data[name])
        if len(raw) > self.MAX_LINES * (longest + 20):
            raise forms.ValidationError(
                f"This list is too long: at most {self.MAX_LINES} lines of up to {longest} characters."
            )
        lines = [" ".join(line.split()) for line in raw.splitlines()]
        lines = [line for line in lines if line]
        too_long = [line for line in lines if len(line) > longest]
        if too_long:
            raise forms.ValidationError(
                f"Keep each line under {longest} characters: “{too_long[0][:40]}…” is longer."
            )
        if len(lines) > self.MAX_LINES:
            raise forms.ValidationError(f"At most {self.MAX_LINES} lines.")
        return "\n".join(lines)

    def clean_banned_phrases(self):
        return self._clean_lines("banned_phrases", 80)

    def clean_disclosure_phrases(self):
        return self._clean_lines("disclosure_phrases", 80)

    def clean_accepted_words(self):
        value = self._clean_lines("accepted_words", 60)
        spaced = [w for w in value.splitlines() if " " in w]
        if spaced:
            raise forms.ValidationError(
                f"One word a line: “{spaced[0]}” has a space (hyphenated words are fine)."
            )
        return value


class ModerationForm(forms.Form):
    """The rubric: one 1–4 score per active criterion, written feedback, and "send back"."""

    record_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    feedback = forms.CharField(
        label="Feedback for the key worker",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What went well, and what to do differently next time. They are asked to "
        "acknowledge it.",
    )
    send_back = forms.BooleanField(
        label="Send back for correction",
        required=False,
        help_text="The key worker corrects the record (a new version, the earlier one kept); the "
        "corrected record comes back to this queue.",
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=list(SCORE_LABELS.items()),
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "kw-score"}),
            )
        self.order_fields([f"criterion_{c.pk}" for c in criteria] + ["feedback", "send_back"])

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class AcknowledgeForm(forms.Form):
    reply = forms.CharField(
        label="Your reply (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CriterionForm(forms.Form):
    name = forms.CharField(label="Criterion", max_length=80)
    description = forms.CharField(
        label="What a moderator looks for", max_length=300, required=False
    )


class ModerationSettingsForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ModerationSettings
        fields = ["sample_mode", "sample_every"]
        widgets = {"sample_mode": forms.RadioSelect}


class PeriodForm(forms.Form):
    """The performance view's period and site."""

    site = forms.TypedChoiceField(label="Site", coerce=int, required=False, empty_value=None)
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())

    MAX_DAYS = 2 * 366

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "All my sites")] + [(s.pk, s.name) for s in sites]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end of the period must be on or after its start.")
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("end", "Choose a period of at most two years.")
        return data
