import datetime
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from tenancy.forms import RetractForm as BaseRetractForm
from tenancy.forms import VersionedFormMixin
from tenancy.uploads import check_upload

from . import upn as upn_rules
from .models import (
    Child,
    ChildProfessional,
    Guardian,
    KeyWorkerAllocation,
    PenPortrait,
    Placement,
    Professional,
)
from .selectors import CASELOAD_ROLES, assignable_staff, staff_users

Reason = KeyWorkerAllocation.Reason


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StaffChoiceField(forms.ModelChoiceField):
    """A member of staff; with ``caseloads`` and ``limit`` set, each name shows their caseload
    ("Emma Doyle — 5 of 5, at the limit")."""

    caseloads: dict[int, int] | None = None
    limit: int | None = None

    def label_from_instance(self, obj):
        name = obj.get_full_name() or obj.get_username()
        if self.caseloads is None:
            return name
        n = self.caseloads.get(obj.pk, 0)
        if self.limit is None:
            return f"{name} — {n}"
        note = (
            ", over the limit" if n > self.limit else (", at the limit" if n == self.limit else "")
        )
        return f"{name} — {n} of {self.limit}{note}"


def invited_note(site_ids) -> str:
    """ " Invited but not joined yet …": the people invited to key-work at these sites, who no
    picker lists until they accept (asked of onboarding through ``tenancy.hooks.collect``)."""
    from tenancy.hooks import collect

    names = collect("people.invited_staff", site_ids=list(site_ids))
    if not names:
        return ""
    return (
        " Invited but not joined yet, so not listed until they accept their invitation: "
        + ", ".join(names)
        + "."
    )


class ChildForm(VersionedFormMixin, forms.ModelForm):
    key_worker = StaffChoiceField(
        queryset=None, required=False, help_text="Appoint at admission (you can do it later)."
    )

    class Meta:
        model = Child
        fields = [
            "site",
            "first_name",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "start_date",
            "leaving_date",
            "upn",
            "la_reference",
            "photo",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "start_date": DateInput(),
            "leaving_date": DateInput(),
        }

    def __init__(self, *args, sites, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].empty_label = None
        if creating:
            # Only people who can key-work (key workers and managers), never moderators.
            self.fields["key_worker"].queryset = staff_users(sites, CASELOAD_ROLES)
            del self.fields["leaving_date"]
            self.fields["key_worker"].help_text += invited_note(s.pk for s in sites)
        else:
            del self.fields["key_worker"]
            del self.fields["site"]  # moving a child between sites is a transfer, not an edit

    def clean_upn(self):
        upn = upn_rules.clean(self.cleaned_data["upn"])  # the DfE's check, as everywhere
        if upn:
            others = Child.objects.filter(upn=upn)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            other = others.select_related("site").first()
            if other is not None:
                if "site" in self.fields:
                    yours = {s.pk for s in self.fields["site"].queryset}
                else:
                    yours = {self.instance.site_id}
                # Name the child only to someone who manages their site.
                who = other.full_name if other.site_id in yours else "Another child"
                raise forms.ValidationError(
                    f"{who} ({other.site.name}) already has the UPN {upn}: one pupil, one UPN."
                )
        return upn

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        if dob > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be in the future.")
        return dob

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):  # a new upload (not the stored photo, not "clear")
            try:
                check_upload(photo, kinds=("png", "jpeg"), max_bytes=settings.CHILD_PHOTO_MAX_BYTES)
            except ValidationError as error:
                raise forms.ValidationError(error.message_dict["file"])
        return photo

    def clean(self):
        data = super().clean()
        dob, start = data.get("date_of_birth"), data.get("start_date")
        if dob and start and start < dob:
            self.add_error("start_date", "The start date cannot be before the date of birth.")
        leaving = data.get("leaving_date")
        if leaving and start and leaving < start:
            self.add_error("leaving_date", "The leaving date cannot be before the start date.")
        site, key_worker = data.get("site"), data.get("key_worker")
        if site and key_worker and not assignable_staff(site).filter(pk=key_worker.pk).exists():
            self.add_error(
                "key_worker", f"{key_worker.get_full_name()} is not a key worker at {site}."
            )
        return data


class AllocationForm(forms.Form):
    staff = StaffChoiceField(queryset=None, label="New key worker")
    starts_on = forms.DateField(label="From", widget=DateInput())
    reason = forms.ChoiceField(choices=())
    detail = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What happened, briefly and factually.",
    )

    confirm_over_limit = forms.BooleanField(
        required=False, widget=forms.HiddenInput, label="Allocate over the limit"
    )

    def __init__(self, *args, child, has_current: bool, **kwargs):
        from .selectors import caseloads

        super().__init__(*args, **kwargs)
        self.child = child
        self.caseloads = caseloads(child.site)
        staff = self.fields["staff"]
        staff.queryset = assignable_staff(child.site)
        staff.caseloads, staff.limit = self.caseloads, child.site.caseload_limit
        staff.help_text = (
            f"Each name shows their caseload at {child.site.name} and the site's limit "
            f"({child.site.caseload_limit})." + invited_note([child.site_id])
        )
        if has_current:
            self.fields["reason"].choices = [("", "Choose the reason for the change")] + [
                (value, label)
                for value, label in Reason.choices
                if value in KeyWorkerAllocation.CHANGE_REASONS
            ]
            self.fields["detail"].required = True
            self.fields["detail"].help_text = "Required for a change: what led to it."
        else:
            self.fields["reason"].choices = [(Reason.FIRST, Reason.FIRST.label)]
            self.fields["staff"].label = "Key worker"

    def clean(self):
        """Going over the site's caseload limit needs a second, deliberate step."""
        data = super().clean()
        staff = data.get("staff")
        limit = self.child.site.caseload_limit
        if staff is None or limit is None:
            return data
        n = self.caseloads.get(staff.pk, 0)
        if n + 1 > limit and not data.get("confirm_over_limit"):
            site = self.child.site
            word = site.child_word if n == 1 else site.children_word
            self.add_error(
                "staff",
                f"{staff.get_full_name()} already key-works {n} {word}; the site's limit is "
                f"{limit}, so this makes {n + 1}. Tick “Allocate over the limit” and save again "
                "to go ahead, or choose someone else.",
            )
            field = self.fields["confirm_over_limit"]
            field.widget = forms.CheckboxInput()
            field.help_text = f"{staff.get_full_name()} would have {n + 1} of {limit}."
        return data


class CoverForm(forms.Form):
    staff = StaffChoiceField(queryset=None, label="Covering staff member")
    starts_on = forms.DateField(label="Cover from", widget=DateInput())
    ends_on = forms.DateField(label="Key worker back on", widget=DateInput())
    detail = forms.CharField(
        label="Reason for the absence", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = assignable_staff(child.site)

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end <= start:
            self.add_error("ends_on", "The key worker must be back after the cover starts.")
        return data


class PenPortraitForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = PenPortrait
        fields = ["medical", "behaviour", "household", "is_complete"]
        labels = {"is_complete": "Complete: share with staff of the site"}
        widgets = {
            "medical": forms.Textarea(attrs={"rows": 4}),
            "behaviour": forms.Textarea(attrs={"rows": 4}),
            "household": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, show_household: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_household:
            del self.fields["household"]


class GuardianForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Guardian
        fields = [
            "name",
            "relationship",
            "phone",
            "email",
            "parental_responsibility",
            "is_primary_contact",
            "contact_restrictions",
        ]
        widgets = {"contact_restrictions": forms.Textarea(attrs={"rows": 2})}

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.fullmatch(r"[0-9 +()\-]{6,40}", phone):
            raise forms.ValidationError("Use digits, spaces and + ( ) - only.")
        return phone

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError("Give a phone number or an email address.")
        return data


class ProfessionalLinkForm(forms.Form):
    professional = forms.ModelChoiceField(
        queryset=None, required=False, label="Someone already on record"
    )
    name = forms.CharField(max_length=200, required=False, label="Or a new professional: name")
    role = forms.ChoiceField(choices=[("", "—")] + Professional.Role.choices, required=False)
    agency = forms.CharField(max_length=200, required=False)
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(required=False)
    started_on = forms.DateField(label="Involved since", widget=DateInput())

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        # Those who work with a child of this site (now or before): not the whole organisation's
        # list, which would show other sites' professionals (tenancy.access.ACCESS_TABLE).
        self.fields["professional"].queryset = Professional.objects.filter(
            pk__in=ChildProfessional.objects.filter(child__site=site).values("professional_id")
        )
        self.fields["started_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("professional") and data.get("name"):
            raise forms.ValidationError("Choose someone on record or enter a new name, not both.")
        if not data.get("professional"):
            if not data.get("name"):
                raise forms.ValidationError("Choose someone on record or enter a new professional.")
            if not data.get("role"):
                self.add_error("role", "Say what this professional does.")
        return data


class EndLinkForm(forms.Form):
    ended_on = forms.DateField(label="Involvement ended on", widget=DateInput())


def today() -> datetime.date:
    return timezone.localdate()


class RetractForm(BaseRetractForm):
    reason_help = "Why it is being removed. The record is kept, with your reason, in the history."


class HistoryFilterForm(forms.Form):
    show = forms.ChoiceField(
        choices=[("all", "Everything"), ("changes", "Changes"), ("access", "Views and exports")],
        required=False,
    )


class AdmissionForm(forms.Form):
    """Admitting a young person to a children's home: what a manager knows on day one."""

    site = forms.ModelChoiceField(queryset=None, empty_label=None, label="Home")
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    preferred_name = forms.CharField(max_length=100, required=False)
    date_of_birth = forms.DateField(widget=DateInput())
    start_date = forms.DateField(label="Placement start", widget=DateInput())
    la_reference = forms.CharField(label="Local-authority reference", max_length=50, required=False)
    placing_authority = forms.CharField(max_length=200, help_text="The local authority.")
    legal_status = forms.ChoiceField(
        choices=[("", "Choose the legal status")] + Placement.LegalStatus.choices
    )
    until_18 = forms.BooleanField(
        label="The placement is meant to last until the young person is 18",
        required=False,
        help_text="Statutory visits after the first year may then be every 3 months.",
    )
    social_worker_name = forms.CharField(label="Social worker", max_length=200)
    social_worker_phone = forms.CharField(
        label="Social worker's phone", max_length=40, required=False
    )
    social_worker_email = forms.EmailField(label="Social worker's email", required=False)
    iro_name = forms.CharField(label="Independent Reviewing Officer", max_length=200)
    iro_phone = forms.CharField(label="IRO's phone", max_length=40, required=False)
    iro_email = forms.EmailField(label="IRO's email", required=False)
    key_worker = StaffChoiceField(
        queryset=None,
        required=False,
        help_text="Appoint before or at admission: a placement without one shows as overdue.",
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["key_worker"].queryset = staff_users(sites, CASELOAD_ROLES)
        self.fields["key_worker"].help_text += invited_note(s.pk for s in sites)

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        if dob > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be in the future.")
        return dob

    def clean(self):
        data = super().clean()
        dob, start = data.get("date_of_birth"), data.get("start_date")
        if dob and start and start < dob:
            self.add_error("start_date", "The placement cannot start before the date of birth.")
        for prefix in ("social_worker", "iro"):
            phone = (data.get(f"{prefix}_phone") or "").strip()
            if phone and not re.fullmatch(r"[0-9 +()\-]{6,40}", phone):
                self.add_error(f"{prefix}_phone", "Use digits, spaces and + ( ) - only.")
        site, key_worker = data.get("site"), data.get("key_worker")
        if site and key_worker and not assignable_staff(site).filter(pk=key_worker.pk).exists():
            self.add_error(
                "key_worker", f"{key_worker.get_full_name()} is not a key worker at {site}."
            )
        return data
