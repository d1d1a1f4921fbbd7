"""Issue 14.4, as a kind: a uniqueness rule on a tenant table must never cross the tenant boundary.

Row-level security hides other organisations' rows, so a rule that spans organisations fails where
nobody can see why (``get_or_create`` raises, an insert is refused for a row that "does not exist").
This walks every unique constraint, ``unique_together`` and ``unique=True`` field of every model with
an ``organisation`` column and requires each to be provably per-organisation: it names
``organisation`` itself, or a foreign key to a row that has an organisation (a child, a site, a
session …, each of which belongs to exactly one). A foreign key to a user does not count: people
belong to several organisations."""

from django.apps import apps
from django.db import models
from django.db.models.expressions import F

# model label, field -> why it is safe though it names no organisation
SAFE_BY_CONSTRUCTION = {
    ("contacts.WeeklyUpdate", "idempotency_key"): "a random UUID4 made by the server",
}


def _field_names(constraint: models.UniqueConstraint) -> list[str]:
    names = list(constraint.fields)
    for expression in constraint.expressions:
        for node in [expression, *getattr(expression, "flatten", lambda: [])()]:
            if isinstance(node, F):
                names.append(node.name)
    return names


def _unique_sets(model) -> list[tuple[str, list[str]]]:
    sets = [
        (c.name, _field_names(c))
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint)
    ]
    sets += [("unique_together", list(t)) for t in model._meta.unique_together]
    sets += [
        (field.name, [field.name])
        for field in model._meta.concrete_fields
        if field.unique and not field.primary_key
    ]
    return sets


def _belongs_to_one_organisation(related) -> bool:
    names = {f.name for f in related._meta.concrete_fields}
    return "organisation" in names or related._meta.label == "tenancy.Organisation"


def _is_per_organisation(model, names: list[str]) -> bool:
    for name in names:
        if name == "organisation":
            return True
        field = model._meta.get_field(name)
        if field.is_relation and _belongs_to_one_organisation(field.related_model):
            return True
    return False


def tenant_models():
    return [
        m
        for m in apps.get_models()
        if any(f.name == "organisation" for f in m._meta.concrete_fields)
    ]


def test_the_walk_sees_the_tenant_tables_and_their_rules():
    labels = {m._meta.label for m in tenant_models()}
    assert {"compliance.DigestSent", "contacts.WeeklyUpdate", "people.Child"} <= labels
    digest = dict(_unique_sets(apps.get_model("compliance", "DigestSent")))
    assert "organisation" in digest["digest_once_a_day_per_org"]


def test_every_unique_rule_on_a_tenant_table_stays_inside_one_organisation():
    crossing = []
    for model in tenant_models():
        for name, fields in _unique_sets(model):
            if (model._meta.label, name) in SAFE_BY_CONSTRUCTION:
                continue
            if not _is_per_organisation(model, fields):
                crossing.append(f"{model._meta.label}.{name} {fields}")
    assert crossing == [], (
        "These uniqueness rules can cross organisations (add 'organisation' to them): "
        + "; ".join(crossing)
    )


def test_a_rule_on_a_user_alone_would_be_caught():
    digest = apps.get_model("compliance", "DigestSent")
    assert not _is_per_organisation(digest, ["user", "day"])
    assert _is_per_organisation(digest, ["organisation", "user", "day"])
