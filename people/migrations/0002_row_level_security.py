from django.db import migrations

from tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("tenancy", "0002_row_level_security")]

    operations = [
        EnableRowLevelSecurity("Child"),
        EnableRowLevelSecurity("PenPortrait"),
        EnableRowLevelSecurity("Guardian"),
        EnableRowLevelSecurity("Professional"),
        EnableRowLevelSecurity("ChildProfessional"),
        EnableRowLevelSecurity("KeyWorkerAllocation"),
    ]
