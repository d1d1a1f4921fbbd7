from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})


class VersionedFormMixin:
    """Adds the hidden ``version`` the record had when the form was shown (see tenancy.concurrency)."""

    def __init__(self, *args, **kwargs):
        from django import forms

        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=False,
            initial=getattr(instance, "version", None) if instance and instance.pk else None,
        )


def apply_service_errors(form, error) -> None:
    """Show a service's ValidationError on the form: beside its field when it names one the form
    has, at the top otherwise. Views call this so no rule is written twice."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
