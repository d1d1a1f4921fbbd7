from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .concurrency import MISSING_VERSION_MESSAGE


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})


class VersionedFormMixin:
    """Adds the hidden ``version`` the record had when the form was shown (see tenancy.concurrency).

    Editing an existing record (``instance`` with a pk, or ``version_required = True``), a
    missing or malformed version makes the form invalid with a message at the top (issue 14.6):
    it is never taken to mean "the current version"."""

    version_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        editing = bool(
            instance is not None
            and getattr(instance, "pk", None)
            and isinstance(getattr(instance, "version", None), int)
        )
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=editing or self.version_required,
            min_value=1,
            max_value=2_147_483_647,
            initial=getattr(instance, "version", None) if editing else None,
            error_messages={
                "required": MISSING_VERSION_MESSAGE,
                "invalid": MISSING_VERSION_MESSAGE,
                "min_value": MISSING_VERSION_MESSAGE,
                "max_value": MISSING_VERSION_MESSAGE,
            },
        )

    def clean(self):
        data = super().clean()
        # A hidden field's error is shown at the top of the form, where a person sees it.
        if "version" in self._errors:
            del self._errors["version"]
            self.add_error(None, MISSING_VERSION_MESSAGE)
        return data


def apply_service_errors(form, error) -> None:
    """Show a service's ValidationError on the form: beside its field when it names one the form
    has (or the field a form names for it in ``service_fields``: a slip's ``occurred_at`` beside
    its date), at the top otherwise. Views call this so no rule is written twice."""
    if hasattr(error, "error_dict"):
        aliases = getattr(form, "service_fields", {})
        for field, errors in error.error_dict.items():
            field = field if field in form.fields else aliases.get(field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class RetractForm(VersionedFormMixin, forms.Form):
    """Withdraw a record with a reason (it is hidden, never deleted). Apps subclass it to set the
    wording: ``reason_label`` and ``reason_help``."""

    reason_label = "Reason"
    reason_help = "The record is hidden from lists and kept, with this reason, for inspectors."

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label=self.reason_label,
            max_length=300,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=self.reason_help,
        )
        self.order_fields(["reason", "version"])
