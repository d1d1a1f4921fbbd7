from django.db import migrations

from tenancy.rls import CURRENT_USER_SQL, EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("Site"),
        # A user's own memberships are readable before an organisation is chosen: they decide it.
        EnableRowLevelSecurity("Membership", extra_using=f"user_id = {CURRENT_USER_SQL}"),
    ]
