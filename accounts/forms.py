from django import forms
from django.contrib.auth import authenticate


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


class ConfirmForm(TokenForm):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    field_order = ["password", "token"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["token"].widget.attrs.pop("autofocus", None)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if authenticate(username=self.user.get_username(), password=password) is None:
            raise forms.ValidationError("That password is not right.")
        return password
