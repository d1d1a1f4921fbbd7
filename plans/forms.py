from django import forms

from people.forms import DateInput
from tenancy.forms import RetractForm as BaseRetractForm
from tenancy.forms import VersionedFormMixin

from .models import ClothingPurchase, HealthAppointment, HealthRegistration, PlanDocument, PlanType
from .sections import Section


def _field(spec, outcome_choices) -> forms.Field:
    label = spec.label
    if spec.kind == "date":
        return forms.DateField(label=label, required=False, widget=DateInput())
    if spec.kind == "choice":
        return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *spec.choices])
    if spec.kind == "outcome":
        return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *outcome_choices])
    if spec.kind == "line":
        return forms.CharField(label=label, required=False, max_length=300)
    return forms.CharField(
        label=label, required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanVersionForm(VersionedFormMixin, forms.Form):
    """A draft's sections, built from the plan type's schema. List sections show their rows plus
    a couple of empty ones; an empty row adds nothing."""

    plan_date = forms.DateField(label="Plan date", widget=DateInput())
    next_review_date = forms.DateField(label="Next review date", widget=DateInput(), required=False)
    paperwork_deadline = forms.DateField(
        label="Annual-review paperwork deadline", widget=DateInput(), required=False
    )
    change_summary = forms.CharField(
        label="What changed in this version",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to publish. For example: “Health: dentist booked; new asthma plan.”",
    )

    def __init__(self, *args, sections: list[Section], instance, outcome_choices=(), **kwargs):
        self.instance = instance
        self.sections = sections
        content = instance.content or {}
        initial = {
            "plan_date": instance.plan_date,
            "next_review_date": instance.next_review_date,
            "paperwork_deadline": instance.paperwork_deadline,
            "change_summary": instance.change_summary,
        }
        self.groups = []
        super().__init__(*args, initial=initial, **kwargs)
        if instance.plan.plan_type != PlanType.EHCP:
            del self.fields["paperwork_deadline"]
        elif instance.plan.plan_type == PlanType.EHCP:
            self.fields["next_review_date"].label = "Annual review date"
        data = self.data if self.is_bound else None
        for section in sections:
            saved = content.get(section.key) or {}
            if section.many:
                items = list(saved.get("items") or [])
                count = len(items) + section.extra_rows
                if data is not None:
                    count = max(count, int(data.get(f"s__{section.key}__rows") or 0))
                    count = min(count, 100)
                rows = []
                for i in range(count):
                    item = items[i] if i < len(items) else {}
                    names = []
                    for spec in section.fields:
                        name = f"s__{section.key}__{i}__{spec.name}"
                        self.fields[name] = _field(spec, outcome_choices)
                        self.initial[name] = item.get(spec.name, "")
                        names.append(name)
                    ref = f"s__{section.key}__{i}__ref"
                    self.fields[ref] = forms.CharField(required=False, widget=forms.HiddenInput)
                    self.initial[ref] = item.get("ref", "")
                    rows.append(names + [ref])
                rows_name = f"s__{section.key}__rows"
                self.fields[rows_name] = forms.IntegerField(
                    required=False, widget=forms.HiddenInput
                )
                self.initial[rows_name] = count
                self.groups.append({"section": section, "rows": rows, "extra": [rows_name]})
            else:
                names = []
                for spec in section.fields:
                    name = f"s__{section.key}__{spec.name}"
                    self.fields[name] = _field(spec, outcome_choices)
                    if len(section.fields) == 1:
                        optional = "" if section.required else " (optional)"
                        self.fields[name].label = section.title + optional
                        self.fields[name].help_text = section.help
                    self.initial[name] = saved.get(spec.name, "")
                    names.append(name)
                self.groups.append({"section": section, "fields": names})

    def bound_groups(self):
        out = []
        for group in self.groups:
            entry = {"section": group["section"]}
            if "rows" in group:
                entry["rows"] = [[self[name] for name in row] for row in group["rows"]]
                entry["extra"] = [self[name] for name in group["extra"]]
            else:
                entry["fields"] = [self[name] for name in group["fields"]]
            out.append(entry)
        return out

    def clean(self):
        data = super().clean()
        for group in self.groups:
            section = group["section"]
            for row in group.get("rows", []):
                values = {n.rsplit("__", 1)[1]: data.get(n) for n in row}
                filled = any(v for k, v in values.items() if k != "ref")
                if not filled:
                    continue
                for spec, name in zip(section.fields, row, strict=False):
                    if spec.required and not data.get(name):
                        self.add_error(name, f"{spec.label} is needed for each row you fill in.")
        return data

    def content(self) -> dict:
        data = self.cleaned_data
        content = {}
        for group in self.groups:
            section = group["section"]
            if "rows" in group:
                items = []
                for row in group["rows"]:
                    item = {}
                    for name in row:
                        value = data.get(name)
                        item[name.rsplit("__", 1)[1]] = (
                            value.isoformat() if hasattr(value, "isoformat") else (value or "")
                        )
                    items.append(item)
                content[section.key] = {"items": items}
            else:
                content[section.key] = {
                    name.rsplit("__", 1)[1]: (
                        data.get(name).isoformat()
                        if hasattr(data.get(name), "isoformat")
                        else (data.get(name) or "")
                    )
                    for name in group["fields"]
                }
        return content


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of document", choices=PlanDocument.Kind.choices)
    title = forms.CharField(max_length=200)
    document_date = forms.DateField(label="Date on the document", widget=DateInput())
    file = forms.FileField(
        help_text="PDF, Word (.docx), PNG or JPEG, up to 10 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}
        ),
    )

    def __init__(self, *args, school: bool, **kwargs):
        super().__init__(*args, **kwargs)
        Kind = PlanDocument.Kind
        kinds = (
            [Kind.POSITIVE_HANDLING, Kind.SIGNS_OF_SAFETY, Kind.SPECIALIST_REPORT, Kind.OTHER]
            if school
            else [
                Kind.CARE_PLAN,
                Kind.PATHWAY_PLAN,
                Kind.HEALTH_ASSESSMENT,
                Kind.SPECIALIST_REPORT,
                Kind.OTHER,
            ]
        )
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]


class RetractForm(BaseRetractForm):
    reason_help = "Why this document should be hidden."


class HealthRegistrationForm(forms.ModelForm):
    class Meta:
        model = HealthRegistration
        fields = ["kind", "practice", "phone", "registered_on"]
        widgets = {"registered_on": DateInput()}
        labels = {"practice": "Practice or clinic"}


class HealthAppointmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = HealthAppointment
        fields = ["kind", "due_on", "attended_on", "notes"]
        widgets = {
            "due_on": DateInput(),
            "attended_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"due_on": "Due by", "attended_on": "Attended on (if it has happened)"}


class ClothingForm(forms.ModelForm):
    class Meta:
        model = ClothingPurchase
        fields = ["bought_on", "items", "amount", "shop"]
        widgets = {"bought_on": DateInput()}
        labels = {"amount": "Amount (£)", "items": "What was bought"}


class SectionTitlesForm(forms.Form):
    titles = forms.CharField(
        label="Placement Plan sections, one per line",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Renaming or removing a section keeps what earlier versions say.",
    )

    def clean_titles(self):
        lines = [line.strip() for line in self.cleaned_data["titles"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError("Give at least one section.")
        if len(lines) > 12:
            raise forms.ValidationError("Twelve sections at most.")
        if any(len(line) > 120 for line in lines):
            raise forms.ValidationError("Keep each title under 120 characters.")
        return lines
