"""Print the current authenticator code for a user (demo and support: whoever can run this already
has the database). Works for a device still being set up, so a demo login can enrol without a phone."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current two-factor code of a user's authenticator."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
        if device is None:
            raise CommandError(f"{username} has not started setting up two-factor authentication.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
