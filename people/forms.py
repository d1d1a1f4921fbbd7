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

from .models import Child, Guardian, KeyWorkerAllocation, PenPortrait, Professional
from .selectors import assignable_staff

Reason = KeyWorkerAllocation.Reason


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


UPN_RE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


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
            from django.contrib.auth import get_user_model

            self.fields["key_worker"].queryset = (
                get_user_model()
                .objects.filter(memberships__site__in=sites, memberships__is_active=True)
                .distinct()
                .order_by("first_name", "last_name")
            )
            del self.fields["leaving_date"]
        else:
            del self.fields["key_worker"]
            del self.fields["site"]  # moving a child between sites is a transfer, not an edit

    def clean_upn(self):
        upn = self.cleaned_data["upn"].strip().upper()
        if upn and not UPN_RE.match(upn):
            raise forms.ValidationError(
                "A UPN is 13 characters: a letter, then 11 digits, then a digit or letter."
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

    def __init__(self, *args, child, has_current: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = assignable_staff(child.site)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professional"].queryset = Professional.objects.all()
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
