"""Session forms. Every field is optional to the form itself so a draft can hold half-typed work;
``services.session_submit`` decides what a submitted record needs and its messages land beside the
fields. Choices are narrowed to the organisation's topics and the site's kind."""

from django import forms
from django.core.exceptions import ValidationError

from people.forms import DateInput
from tenancy.forms import VersionedFormMixin
from tenancy.timeutils import clock_change, local_instant

from .models import KeyWorkSession, MattersFor, QualityStandard, SessionTopic, Target, Topic

# Suggested in the referral box (any agency may be typed).
REFERRAL_AGENCIES = [
    "MOSAIC",
    "CAMHS",
    "Early help",
    "Youth justice service",
    "School nurse",
    "Children's social care",
]
YES_NO = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class TopicChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class SessionForm(VersionedFormMixin, forms.ModelForm):
    referral_agencies = REFERRAL_AGENCIES
    topics = TopicChoiceField(queryset=Topic.objects.none(), required=False)
    quality_standards = forms.TypedMultipleChoiceField(
        choices=QualityStandard.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Quality Standards covered",
    )
    matters_for = forms.MultipleChoiceField(
        choices=MattersFor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who the matters are for",
        help_text="Each one chosen is routed when you submit: the manager is alerted; the social "
        "worker's goes into the next weekly update (homes) or asks you to log a contact "
        "(schools); the parents' becomes a call due today (schools) or a family-contact task "
        "(homes).",
    )
    placement_plan_update = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label="Does the Placement Plan need updating?",
    )
    behaviour_plan_update = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label="Does the Behaviour Management Plan / Risk Assessment need updating?",
    )

    class Meta:
        model = KeyWorkSession
        fields = [
            "title",
            "date",
            "start_time",
            "end_time",
            "initiated_by",
            "initiated_why",
            "purpose",
            "engagement",
            "focus",
            "quality_standards",
            "topics",
            "previous_targets_note",
            "quality_standards_details",
            "child_agenda",
            "worker_agenda",
            "account",
            "offered",
            "resources",
            "follow_up",
            "matters",
            "matters_for",
            "referral_agency",
            "referral_made_on",
            "barriers",
            "placement_plan_update",
            "placement_plan_areas",
            "behaviour_plan_update",
            "behaviour_plan_details",
        ]
        widgets = {
            "date": DateInput(),
            "referral_made_on": DateInput(),
            "referral_agency": forms.TextInput(attrs={"list": "referral-agencies"}),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "initiated_by": forms.RadioSelect,
            "engagement": forms.RadioSelect,
            "initiated_why": forms.Textarea(attrs={"rows": 2}),
            "previous_targets_note": forms.Textarea(attrs={"rows": 2}),
            "quality_standards_details": forms.Textarea(attrs={"rows": 4}),
            "child_agenda": forms.Textarea(attrs={"rows": 2}),
            "worker_agenda": forms.Textarea(attrs={"rows": 2}),
            "account": forms.Textarea(attrs={"rows": 12}),
            "offered": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 2}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
            "matters": forms.Textarea(attrs={"rows": 3}),
            "barriers": forms.Textarea(attrs={"rows": 3}),
            "placement_plan_areas": forms.Textarea(attrs={"rows": 3}),
            "behaviour_plan_details": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title": "Summary title",
            "date": "Date of session",
            "start_time": "Start time",
            "end_time": "End time",
            "initiated_by": "Who initiated the session?",
            "initiated_why": "Why?",
            "engagement": "Engagement",
            "previous_targets_note": "Targets from last session and outcomes (notes)",
            "quality_standards_details": "Details of the Quality Standards discussed",
            "account": "What happened: a full, factual, chronological account",
            "resources": "Resources shared (links, one a line)",
            "offered": "What was offered (a declined attempt)",
            "follow_up": "Work the key worker will follow up by the next session",
            "placement_plan_areas": "If yes, which areas of the Placement Plan?",
            "behaviour_plan_details": "If yes, what needs updating?",
        }
        help_texts = {
            "referral_agency": "A referral made or to be made in this session (for example "
            "MOSAIC, CAMHS or early help): it becomes your action, with the date it was made and "
            "later its outcome. Leave empty if none.",
            "referral_made_on": "Leave empty if it is still to be made.",
            "title": "Leave it empty and the title is made as in the guide's example, from the "
            "name, date and topics (shown below); write your own to replace it.",
            "account": "Facts in the order they happened. No opinions or assumptions: avoid "
            "“may have”, “appear to be”, “looked like”.",
        }

    def __init__(self, *args, session: KeyWorkSession, **kwargs):
        super().__init__(*args, instance=session, **kwargs)
        site = session.child.site
        self.is_school = site.is_school
        topics = Topic.objects.filter(is_active=True)
        if session.pk:
            topics = topics | Topic.objects.filter(
                pk__in=SessionTopic.objects.filter(session=session).values("topic_id")
            )
            self.initial.setdefault("topics", [t.pk for t in session.topics.all()])
            self.initial["placement_plan_update"] = _answer(session.placement_plan_update)
            self.initial["behaviour_plan_update"] = _answer(session.behaviour_plan_update)
        self.fields["topics"].queryset = topics.distinct().order_by("name")
        for field in self.fields.values():
            field.required = False
        for name in ("initiated_by", "engagement", "purpose", "focus"):
            field = self.fields[name]
            field.choices = [c for c in field.choices if c[0] != ""]
            if name in ("purpose", "focus"):
                field.choices = [("", "Choose…"), *field.choices]
        word = site.child_word
        self.fields["matters"].label = (
            "Matters for the manager or parents"
            if self.is_school
            else "Matters for the Team Manager, social worker or parents"
        )
        self.fields["initiated_by"].choices = [
            ("child", f"The {word}"),
            ("key_worker", "The key worker"),
        ]
        if self.is_school:
            for name in (
                "quality_standards",
                "quality_standards_details",
                "child_agenda",
                "worker_agenda",
                "placement_plan_update",
                "placement_plan_areas",
                "behaviour_plan_update",
                "behaviour_plan_details",
            ):
                del self.fields[name]
        else:
            del self.fields["focus"]
            del self.fields["barriers"]
            self.fields["child_agenda"].label = f"Key child's agenda (what the {word} wanted)"
            self.fields["worker_agenda"].label = "Key worker's agenda"

    def clean(self):
        # Times at the clock changes (tenancy.timeutils): a time the site's clocks skipped is
        # refused beside its field. (A session keeps wall-clock times, so one that happened twice
        # is what the clock showed and needs no choice.)
        data = super().clean()
        zone = self.instance.child.site.time_zone
        for name in ("start_time", "end_time"):
            if data.get("date") and data.get(name):
                kind, _ = clock_change(data["date"], data[name], zone)
                if kind == "missing":
                    try:
                        local_instant(data["date"], data[name], zone)
                    except ValidationError as error:
                        self.add_error(name, error)
        return data

    def _post_clean(self):
        # The form never writes the instance: the services validate the record (with messages
        # beside the fields) and save it, so a draft can hold what is not valid yet.
        pass

    def service_data(self) -> dict:
        """Cleaned values of the fields that parsed (a draft keeps the rest on the page)."""
        data = getattr(self, "cleaned_data", {})
        return {
            k: v for k, v in data.items() if k in self.fields and k not in ("topics", "version")
        }


def _answer(value):
    return {True: "yes", False: "no"}.get(value, "")


class TargetForm(forms.Form):
    what = forms.CharField(label="Target", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measure = forms.CharField(label="How it is measured", required=False)
    due_on = forms.DateField(label="By when", required=False, widget=DateInput())
    area = forms.ChoiceField(label="Area", required=False)

    def __init__(self, *args, areas=(), default_due=None, **kwargs):
        super().__init__(*args, **kwargs)
        if default_due and not self.initial.get("due_on"):
            self.fields["due_on"].initial = default_due
        labels = dict(Target.Area.choices)
        self.fields["area"].choices = [("", "Choose…")] + [(a, labels[a]) for a in areas]


class BaseTargetFormSet(forms.BaseFormSet):
    def __init__(self, *args, areas=(), default_due=None, **kwargs):
        self.areas = areas
        self.default_due = default_due
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"areas": self.areas, "default_due": self.default_due}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            areas=self.areas,
            default_due=self.default_due,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if (data.get("what") or "").strip():
                rows.append(data)
        return rows


def target_formset(data, *, session: KeyWorkSession, school_max: int, default_due=None):
    is_school = session.child.site.is_school
    initial = [
        {
            "what": t.get("what", ""),
            "measure": t.get("measure", ""),
            "due_on": t.get("due_on") or None,
            "area": t.get("area", ""),
        }
        for t in session.planned_targets or []
    ]
    extra = max(0, school_max - len(initial)) if is_school else (1 if initial else 2)
    FormSet = forms.formset_factory(TargetForm, formset=BaseTargetFormSet, extra=extra)
    return FormSet(
        data,
        initial=initial,
        prefix="targets",
        areas=Target.SCHOOL_AREAS if is_school else Target.HOME_AREAS,
        default_due=default_due,
    )


class ReviewForm(forms.Form):
    """One outcome and comment per open target: fields ``outcome_<id>`` and ``comment_<id>``."""

    def __init__(self, data=None, *, targets, reviews: dict):
        super().__init__(data)
        self.targets = targets
        for t in targets:
            saved = (reviews or {}).get(str(t.pk), {})
            self.fields[f"outcome_{t.pk}"] = forms.ChoiceField(
                choices=[("", "Not reviewed yet"), *Target.REVIEW_OUTCOMES],
                required=False,
                label="Outcome",
                initial=saved.get("outcome", ""),
            )
            self.fields[f"comment_{t.pk}"] = forms.CharField(
                required=False, label="Comment", initial=saved.get("comment", "")
            )

    def rows(self):
        return [(t, self[f"outcome_{t.pk}"], self[f"comment_{t.pk}"]) for t in self.targets]

    def reviews(self) -> dict:
        data = getattr(self, "cleaned_data", {})
        return {
            str(t.pk): {
                "outcome": data.get(f"outcome_{t.pk}", ""),
                "comment": data.get(f"comment_{t.pk}", ""),
            }
            for t in self.targets
        }


class CorrectionForm(SessionForm):
    reason = forms.CharField(
        label="Reason for the correction",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the earlier version, which stays readable.",
    )

    def service_data(self) -> dict:
        data = super().service_data()
        data.pop("reason", None)
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What needs changing",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class BundleForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the range must be after its start.")
        return data


class TopicForm(forms.Form):
    name = forms.CharField(label="New topic", max_length=100)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="Attach a file shared in the session")
