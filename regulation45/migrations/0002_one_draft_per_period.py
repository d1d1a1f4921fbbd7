"""One draft Regulation 45 review per home and period.

Existing data: each organisation is visited in turn (row-level security lets a statement see one
organisation's rows only). A second draft of the same home and period with nothing written in it
(no overall evaluation, no standard evaluated) is removed, with an audit entry naming the draft
that is kept. Two drafts of one period that both hold writing are never merged or removed here:
the migration stops and names them, so the home's managers choose which to keep."""

from django.conf import settings
from django.db import migrations, models

DUPLICATES = """
SELECT r.id, r.site_id, r.period_start, r.period_end, k.id,
       r.summary <> '' OR EXISTS (SELECT 1 FROM regulation45_standardentry e WHERE e.review_id = r.id)
FROM regulation45_review r
JOIN (SELECT DISTINCT ON (site_id, period_start, period_end) id, site_id, period_start, period_end
      FROM regulation45_review WHERE status = 'draft'
      ORDER BY site_id, period_start, period_end, id) k
  ON (k.site_id, k.period_start, k.period_end) = (r.site_id, r.period_start, r.period_end)
 AND k.id <> r.id
WHERE r.status = 'draft'
ORDER BY r.id
"""


def dedupe(apps, schema_editor):
    written = []
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tenancy_organisation ORDER BY id")
        organisations = [row[0] for row in cursor.fetchall()]
        for org_id in organisations:
            cursor.execute("SELECT set_config('app.organisation_id', %s, true)", [str(org_id)])
            cursor.execute(DUPLICATES)
            for review_id, _site_id, start, end, keeper_id, has_writing in cursor.fetchall():
                if has_writing:
                    written.append(f"#{review_id} (the same period as #{keeper_id})")
                    continue
                cursor.execute("DELETE FROM regulation45_review WHERE id = %s", [review_id])
                cursor.execute(
                    "INSERT INTO tenancy_auditevent (organisation_id, actor_id, action, "
                    "object_type, object_id, object_repr, child_id, summary, before, after, "
                    "created_at) VALUES (%s, NULL, 'retract', 'regulation45.review', %s, %s, "
                    "NULL, %s, NULL, NULL, now())",
                    [
                        org_id,
                        review_id,
                        f"Regulation 45 review, {start:%d.%m.%Y} to {end:%d.%m.%Y}",
                        f"An empty second draft of this period removed: draft #{keeper_id} "
                        "is kept.",
                    ],
                )
        cursor.execute("SELECT set_config('app.organisation_id', '', true)")
        # The deferred foreign-key checks of the rows removed, now: the index comes next.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if written:
        raise RuntimeError(
            "Two draft Regulation 45 reviews of one home and period both hold writing: "
            + ", ".join(written)
            + ". Ask the home's manager which to keep, publish or empty the other, then migrate."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("regulation45", "0001_reviews"),
        ("tenancy", "0009_merge_20261129_1721"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(dedupe, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "draft")),
                fields=("site", "period_start", "period_end"),
                name="review_one_draft_per_period",
                violation_error_message="This home has a draft review of this period already.",
            ),
        ),
    ]
