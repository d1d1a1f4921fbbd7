"""Recovery codes stored in plain text (django-otp's static tokens) become keyed digests: each
person keeps the codes they hold, and the plain-text rows are deleted."""

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

SALT = "keywork.accounts.recovery-code"  # as accounts.models.recovery_code_digest


def forwards(apps, schema_editor):
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    db = schema_editor.connection.alias  # the owner's connection that runs the migration
    for static in StaticDevice.objects.using(db).all():
        tokens = list(
            StaticToken.objects.using(db).filter(device=static).values_list("token", flat=True)
        )
        device = RecoveryCodeDevice.objects.using(db).filter(user_id=static.user_id).first()
        if device is None:
            device = RecoveryCodeDevice.objects.using(db).create(
                user_id=static.user_id, name=static.name or "Recovery codes", confirmed=True
            )
        RecoveryCode.objects.using(db).bulk_create(
            RecoveryCode(
                device=device,
                digest=salted_hmac(
                    SALT, token, secret=settings.SECRET_KEY, algorithm="sha256"
                ).hexdigest(),
            )
            for token in tokens
        )
    StaticToken.objects.using(db).all().delete()
    StaticDevice.objects.using(db).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_signed_in_sessions_and_hashed_recovery_codes"),
        ("otp_static", "0003_add_timestamps"),
    ]

    # Backwards: the plain-text codes cannot come back; people regenerate their codes.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
