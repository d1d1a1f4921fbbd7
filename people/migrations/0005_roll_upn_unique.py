"""UPNs: stored in capitals without spaces, and unique within an organisation.

Existing data: each organisation is visited in turn (row-level security lets a statement see one
organisation's rows only). UPNs are normalised; where two or more children of one organisation share
a UPN, the child recorded first keeps it and the others' UPN is cleared, each with an audit entry
naming the UPN and the child who kept it, so the school can correct it from its MIS. Nothing else is
changed and no child is removed."""

from django.db import migrations, models
from django.db.models import Q

import people.upn

NORMALISE = """
UPDATE people_child SET upn = upper(regexp_replace(upn, '[[:space:]-]', '', 'g'))
WHERE upn <> upper(regexp_replace(upn, '[[:space:]-]', '', 'g'))
"""
DUPLICATES = """
SELECT c.id, c.upn, c.first_name, c.last_name, k.id
FROM people_child c
JOIN (SELECT DISTINCT ON (upn) id, upn FROM people_child WHERE upn <> '' ORDER BY upn, id) k
  ON k.upn = c.upn AND k.id <> c.id
ORDER BY c.id
"""


def dedupe(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tenancy_organisation ORDER BY id")
        organisations = [row[0] for row in cursor.fetchall()]
        for org_id in organisations:
            cursor.execute("SELECT set_config('app.organisation_id', %s, true)", [str(org_id)])
            cursor.execute(NORMALISE)
            cursor.execute(DUPLICATES)
            for child_id, upn, first, last, keeper_id in cursor.fetchall():
                cursor.execute("UPDATE people_child SET upn = '' WHERE id = %s", [child_id])
                cursor.execute(
                    "INSERT INTO tenancy_auditevent (organisation_id, actor_id, action, "
                    "object_type, object_id, object_repr, child_id, summary, before, after, "
                    "created_at) VALUES (%s, NULL, 'update', 'people.child', %s, %s, %s, %s, "
                    "%s::jsonb, %s::jsonb, now())",
                    [
                        org_id,
                        child_id,
                        f"{first} {last}"[:200],
                        child_id,
                        f"UPN {upn} cleared: child #{keeper_id} has the same UPN. "
                        "Check both in the MIS."[:300],
                        f'{{"upn": "{upn}"}}',
                        '{"upn": ""}',
                    ],
                )
        cursor.execute("SELECT set_config('app.organisation_id', '', true)")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_guardian_retraction"),
        ("tenancy", "0003_auditevent"),
    ]

    operations = [
        migrations.RunPython(dedupe, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="child",
            name="upn",
            field=models.CharField(
                blank=True,
                help_text="Unique pupil number: 13 characters, checked as the DfE issues them.",
                max_length=13,
                validators=[people.upn.validate],
                verbose_name="UPN",
            ),
        ),
        migrations.AddConstraint(
            model_name="child",
            constraint=models.UniqueConstraint(
                condition=~Q(upn=""),
                fields=("organisation", "upn"),
                name="child_unique_upn_per_org",
                violation_error_message="Another child in this organisation has this UPN.",
            ),
        ),
    ]
