"""Set-based seeding: ``INSERT … SELECT`` generated inside PostgreSQL, so millions of rows take
seconds instead of the minutes a Python loop (or even ``bulk_create``) would.

The statements run on the application's connection, under row-level security: the policy's
``WITH CHECK`` refuses any row outside the organisation in scope, so a seed cannot leak across
tenants. (``COPY FROM`` is refused on tables with row-level security, owner included, because the
policies are forced; ``INSERT … SELECT`` is not.)

``insert_select`` checks the column list against the model: every column without a value of its own
gets the model's default (``auto_now`` fields: ``now()``), and a required column with neither is an
error here, not a half-seeded database.

The seeds insert rows in date order (``ORDER BY`` the day), as a year of use writes them: a site's
fortnight of slips then sits on a few pages of the table, as in production, rather than spread over
every page as a child-by-child load would leave it (which made date-range pages read ten times
the pages they would in real life)."""

import datetime

from django.db import connection

from tenancy.context import require_organisation_id


def last_day(ctx) -> str:
    """The last day of seeded history: yesterday, so nothing seeded lies later today than the run
    (a slip at 10:00 "today" seeded at midnight would be in the future, and pages that skip a
    query when nothing happened today would count differently by the hour)."""
    return (ctx.today - datetime.timedelta(days=1)).isoformat()


def window_start_sql(ctx) -> str:
    """First day of the seeded history of child ``c``: its start date, at most ``years`` ago."""
    first = ctx.today - datetime.timedelta(days=365 * ctx.scale.years)
    return f"GREATEST(c.start_date, DATE '{first.isoformat()}')"


def children_sql(ctx) -> str:
    """Each child of the organisation in scope with its site kind, its key worker (the current
    primary allocation) and its site's manager, as ``c``."""
    managers = {}
    for manager, site in zip(ctx.managers, ctx.sites, strict=False):
        managers[site.pk] = manager.pk
    cases = (
        " ".join(f"WHEN {site} THEN {user}" for site, user in managers.items()) or "WHEN 0 THEN 0"
    )
    return f"""
        SELECT ch.id, ch.site_id, ch.start_date, s.kind AS site_kind,
               COALESCE(a.staff_id, CASE ch.site_id {cases} END) AS staff_id,
               CASE ch.site_id {cases} END AS manager_id
          FROM people_child ch
          JOIN tenancy_site s ON s.id = ch.site_id
          LEFT JOIN people_keyworkerallocation a
            ON a.child_id = ch.id AND a.ends_on IS NULL AND a.kind = 'primary'
         WHERE ch.organisation_id = {int(require_organisation_id())}
    """


def _default_sql(field, params: list):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return "now()"
    if field.has_default() or field.empty_strings_allowed and not field.null:
        value = field.get_db_prep_save(field.get_default(), connection)
        params.append(value)
        return "%s"
    if field.null:
        return "NULL"
    return None


def insert_select(model, values: dict[str, str], from_sql: str, params=None, *, suffix="") -> int:
    """``INSERT INTO <model's table> (columns) SELECT <values> <from_sql>``; returns rows added.
    ``values`` maps field names (``child`` or ``child_id``) to SQL expressions; ``organisation``
    is the organisation in scope unless given."""
    org_id = int(require_organisation_id())
    values = {k.removesuffix("_id") if k != "id" else k: v for k, v in values.items()}
    values.setdefault("organisation", str(org_id))
    columns, exprs, defaults = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or getattr(field, "generated", False):
            continue  # the database computes a generated column (people.Child.search_name)
        name = field.name
        if name in values:
            expr = values.pop(name)
        else:
            expr = _default_sql(field, defaults)
            if expr is None:
                raise ValueError(f"{model.__name__}.{name} needs a value in the bench seed")
        columns.append(f'"{field.column}"')
        exprs.append(expr)
    if values:
        raise ValueError(f"{model.__name__} has no fields {sorted(values)}")
    sql = (
        f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) '
        f"SELECT {', '.join(exprs)} {from_sql} {suffix}"
    )
    with connection.cursor() as cursor:
        # Defaults come first in the SELECT list, so their parameters go first.
        cursor.execute(sql, [*defaults, *(params or [])])
        return cursor.rowcount
