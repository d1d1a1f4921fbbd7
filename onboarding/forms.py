"""Forms for the team, sites and settings pages and for accepting an invitation."""

import re

from django import forms
from django.contrib.auth import authenticate, password_validation

from tenancy.models import Organisation, Role, Site

from .services import SITE_ROLES, Grant

ROLE_CHOICES = [(role.value, role.label) for role in SITE_ROLES]


class RolesFieldsMixin:
    """One group of role boxes per site the person giving roles may give them at, plus
    "Organisation admin" for an admin. ``grants()`` gives the chosen (site id, role) pairs."""

    def add_role_fields(self, *, sites: list[Site], allow_admin: bool, initial: set[Grant]):
        self.role_sites = sites
        for site in sites:
            self.fields[f"site_{site.pk}"] = forms.MultipleChoiceField(
                label=site.name,
                choices=ROLE_CHOICES,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[role for site_id, role in initial if site_id == site.pk],
            )
        if allow_admin:
            self.fields["org_admin"] = forms.BooleanField(
                label="Organisation admin (every site, staff, sites and settings)",
                required=False,
                initial=(None, Role.ORG_ADMIN) in initial,
            )

    def grants(self) -> set[Grant]:
        chosen: set[Grant] = set()
        for site in self.role_sites:
            chosen |= {(site.pk, role) for role in self.cleaned_data.get(f"site_{site.pk}", [])}
        if self.cleaned_data.get("org_admin"):
            chosen.add((None, Role.ORG_ADMIN))
        return chosen


class InviteForm(RolesFieldsMixin, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(
        max_length=254, help_text="Their work address: the invitation link is sent there."
    )
    job_title = forms.CharField(max_length=100, required=False)

    def __init__(self, *args, sites, allow_admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_role_fields(sites=sites, allow_admin=allow_admin, initial=set())
        homes = [s for s in sites if s.kind == Site.Kind.HOME]
        if homes:  # regulation 44: an independent visitor for a home, until a date
            self.fields["visitor_site"] = forms.TypedChoiceField(
                label="Or: independent visitor (Regulation 44) of",
                choices=[("", "—")] + [(s.pk, s.name) for s in homes],
                coerce=int,
                empty_value=None,
                required=False,
                help_text="Reads the home's records, never writes; uploads the monthly report.",
            )
            self.fields["visitor_ends_on"] = forms.DateField(
                label="The visitor's access ends on",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def grants(self) -> set[Grant]:
        site_id = self.cleaned_data.get("visitor_site")
        if site_id:
            return {(site_id, Role.INDEPENDENT_VISITOR)}
        return super().grants()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("visitor_site"):
            if super().grants():
                raise forms.ValidationError(
                    "An independent visitor holds no other role: untick the other roles."
                )
            if not cleaned.get("visitor_ends_on"):
                self.add_error("visitor_ends_on", "Give the last day of the visitor's access.")
        if not self.errors and not self.grants():
            raise forms.ValidationError("Choose at least one role at one site.")
        return cleaned


class RolesForm(RolesFieldsMixin, forms.Form):
    def __init__(self, *args, sites, allow_admin, initial_grants, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_role_fields(sites=sites, allow_admin=allow_admin, initial=initial_grants)


class DetailsForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    job_title = forms.CharField(max_length=100, required=False)


class ResetAuthenticatorForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit log, e.g. “Lost phone, confirmed in person on Monday”.",
    )


class DeactivateForm(forms.Form):
    """One "who takes this child" choice per child the leaver is key worker for."""

    confirm = forms.BooleanField(
        label="I understand: their sign-in stops now; everything they recorded is kept.",
    )

    def __init__(self, *args, caseload, colleagues_by_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.caseload = caseload
        for allocation in caseload:
            child = allocation.child
            self.fields[f"child_{child.pk}"] = forms.ModelChoiceField(
                label=f"{child.first_name} {child.last_name} ({child.site.name})",
                queryset=colleagues_by_site[child.site_id],
                empty_label="Choose a colleague",
                error_messages={"required": "Choose who takes this child."},
            )
        self.order_fields([*(f"child_{a.child_id}" for a in caseload), "confirm"])

    def successors(self) -> dict[int, object]:
        return {a.child_id: self.cleaned_data[f"child_{a.child_id}"] for a in self.caseload}


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "name",
            "kind",
            "time_zone",
            "caseload_limit",
            "dfe_number",
            "ofsted_urn",
            "concern_escalate_minutes",
            "significant_visit_days",
        ]
        help_texts = {
            "dfe_number": "Schools: the 7-digit number from Get Information about Schools, "
            "e.g. 888/4321.",
            "ofsted_urn": "Children's homes: the Ofsted unique reference number, e.g. SC123456.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("concern_escalate_minutes", "significant_visit_days"):
            self.fields[name].required = False
        # Typed as people write them ("888/4321", "sc 123456"); cleaned to the stored form.
        self.fields["dfe_number"].max_length = 12
        self.fields["dfe_number"].widget.attrs["maxlength"] = 12
        self.fields["ofsted_urn"].max_length = 12
        self.fields["ofsted_urn"].widget.attrs["maxlength"] = 12
        for validator in list(self.fields["dfe_number"].validators):
            if type(validator).__name__ == "MaxLengthValidator":
                self.fields["dfe_number"].validators.remove(validator)
        for validator in list(self.fields["ofsted_urn"].validators):
            if type(validator).__name__ == "MaxLengthValidator":
                self.fields["ofsted_urn"].validators.remove(validator)

    def _or_default(self, name):
        # Left empty: the default (an hour of the working day; as soon as possible).
        value = self.cleaned_data.get(name)
        return Site._meta.get_field(name).default if value is None else value

    def clean_concern_escalate_minutes(self):
        return self._or_default("concern_escalate_minutes")

    def clean_significant_visit_days(self):
        return self._or_default("significant_visit_days")

    def clean_dfe_number(self):
        value = re.sub(r"[\s/]", "", self.cleaned_data.get("dfe_number", ""))
        return value

    def clean_ofsted_urn(self):
        return re.sub(r"\s", "", self.cleaned_data.get("ofsted_urn", "")).upper()


class SiteWorkingForm(SiteForm):
    """What a manager of the site sets for the way it works: the caseload limit and the two
    escalation settings. The site's name, kind, time zone and reference numbers are the
    organisation admins' (the page names them)."""

    class Meta(SiteForm.Meta):
        fields = ["caseload_limit", "concern_escalate_minutes", "significant_visit_days"]

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        for name in ("concern_escalate_minutes", "significant_visit_days"):
            self.fields[name].required = False
        if self.instance.is_school:  # only a home brings visits forward after an incident
            del self.fields["significant_visit_days"]


class SiteCloseForm(forms.Form):
    closed_on = forms.DateField(
        label="Closing date", widget=forms.DateInput(attrs={"type": "date"})
    )
    confirm = forms.BooleanField(
        label="Close this site: its records stay, read-only, and nothing new is recorded there."
    )


class OrganisationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "idle_timeout_minutes", "school_retention_years"]
        labels = {
            "idle_timeout_minutes": "Sign out after (minutes without activity)",
            "school_retention_years": "Schools: review records this many years after birth",
        }


class AcceptForm(forms.Form):
    """A new account (or a returning leaver): their name and a password of their own."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="The password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords are not the same.")
        elif one:
            from django.contrib.auth.models import User

            probe = User(
                username=self.email,
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(one, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AcceptExistingForm(forms.Form):
    """Someone who already has a Keywork account (another organisation) proves it is theirs."""

    password = forms.CharField(
        label="Your Keywork password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        found = authenticate(self.request, username=self.user.get_username(), password=password)
        if found is None or found.pk != self.user.pk:
            raise forms.ValidationError("That password is not right.")
        return password
