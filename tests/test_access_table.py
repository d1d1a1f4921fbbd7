"""Who sees what inside a site (issue 14.11): the README's table is ``tenancy.access.ACCESS_TABLE``,
and every cell of it holds on the pages, for each role of the same organisation (the same-site
role walk). A new row or role in the table fails here until the README and a probe follow."""

from pathlib import Path

import pytest

from tenancy.access import ACCESS_TABLE, COLUMNS, RECORD_KINDS, Reach
from tenancy.context import organisation_scope
from tenancy.models import Role

from .factories import MembershipFactory

README = Path(__file__).resolve().parent.parent / "README.md"
WORDS = {Reach.NONE: "—", Reach.OWN: "own", Reach.SITE: "site"}
ROLE_WORDS = {
    Role.KEY_WORKER: "Key worker",
    Role.MANAGER: "Manager",
    Role.MODERATOR: "Moderator",
    Role.ORG_ADMIN: "Organisation admin",
}


def readme_table() -> dict[str, list[str]]:
    text = README.read_text()
    section = text.split("### Who sees what inside a site", 1)[1]
    rows = {}
    for line in section.splitlines()[1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_readme_table_is_the_one_the_code_enforces():
    rows = readme_table()
    header = rows.pop("Kind of record")
    assert header == [ROLE_WORDS[r] for r in COLUMNS]
    rows = {k: v for k, v in rows.items() if not set(k) <= {"-", ":"}}
    expected = {
        RECORD_KINDS[kind]: [
            f"{WORDS[read]} / {WORDS[write]}" for read, write in (cells[r] for r in COLUMNS)
        ]
        for kind, cells in ACCESS_TABLE.items()
    }
    assert rows == expected


# ---- the role walk ----------------------------------------------------------------------------

# Kinds of record kept by children's homes: probed with the child moved to the organisation's home.
HOME_KINDS = {"narrow_plans", "health", "weekly_update"}


def _ok(response) -> bool:
    assert response.status_code in (200, 302, 403, 404), response.status_code
    return response.status_code in (200, 302)


def _page(client, w, url, *needles):
    response = client.get(url)
    return _ok(response) and all(n in response.content.decode() for n in needles)


c = "/children/{child}"
PROBES = {
    # kind: (read probe, write probe), each (client, world) -> allowed?
    "child": (
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/"),
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/edit/"),
    ),
    "pen_portrait": (
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/", "Asthma."),
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/pen-portrait/"),
    ),
    "household": (
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/", w.household),
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/pen-portrait/", 'name="household"'),
    ),
    "family": (
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/", w.guardian.name),
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/family/add/"),
    ),
    "professionals": (
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/", w.link.professional.name),
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/professionals/add/"),
    ),
    "sessions": (
        lambda cl, w: _page(cl, w, "/sessions/{session}/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/sessions/child/{child}/new/".format(**w.fmt)),
    ),
    "behaviour": (
        lambda cl, w: _page(cl, w, "/behaviour/slips/{slip}/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/behaviour/children/{child}/appointments/new/".format(**w.fmt)),
    ),
    "plans": (
        lambda cl, w: _page(cl, w, "/plans/child/{child}/iep/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/plans/child/{child}/documents/add/".format(**w.fmt)),
    ),
    "narrow_plans": (
        lambda cl, w: _page(cl, w, "/plans/child/{child}/risk_assessment/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/plans/child/{child}/risk_assessment/edit/".format(**w.fmt)),
    ),
    "health": (
        lambda cl, w: _page(cl, w, "/plans/child/{child}/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/plans/child/{child}/health/appointment/".format(**w.fmt)),
    ),
    "contacts": (
        lambda cl, w: _page(cl, w, "/contacts/{contact}/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/contacts/child/{child}/new/".format(**w.fmt)),
    ),
    "weekly_update": (
        lambda cl, w: _page(cl, w, "/contacts/updates/{update}/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/contacts/child/{child}/weekly-update/".format(**w.fmt)),
    ),
    # A home's record, not one child's: the review of the world's home.
    "reg45_review": (
        lambda cl, w: _page(cl, w, "/regulation45/{review}/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/regulation45/home/{home}/new/".format(**w.fmt)),
    ),
}

# Who signs in: each role of the child's site, and a key worker of the site who is not the
# child's (the world's cover, whose cover starts in ten days). (name, role, is the child's own)
PEOPLE = [
    ("key_worker", Role.KEY_WORKER, True),
    ("cover", Role.KEY_WORKER, False),
    ("manager", Role.MANAGER, False),
    ("moderator", Role.MODERATOR, False),
    ("org_admin", Role.ORG_ADMIN, False),
]


def expected(kind: str, role: str, own: bool, verb: int) -> bool:
    reach = ACCESS_TABLE[kind].get(role, (Reach.NONE, Reach.NONE))[verb]
    return reach == Reach.SITE or (reach == Reach.OWN and own)


def test_every_kind_has_a_probe():
    assert set(PROBES) == set(ACCESS_TABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(ACCESS_TABLE))
def test_each_role_of_the_site_sees_and_writes_what_the_table_says(client, org, kind):
    w = org
    with organisation_scope(w.org.pk):
        # Everyone of the school also holds their role at the home, so a home's records can be
        # probed with the same people.
        for name, role, _ in PEOPLE:
            if role != Role.ORG_ADMIN:
                user = w.cover_user if name == "cover" else w.users[name]
                MembershipFactory(user=user, site=w.home, role=role)
        if kind in HOME_KINDS:
            w.child.site = w.home
            w.child.save()
        w.household = w.child.pen_portrait.household
    w.fmt = {
        "child": w.child.pk,
        "session": w.ids["session_id"],
        "slip": w.ids["slip_id"],
        "contact": w.ids["contact_id"],
        "update": w.ids["update_id"],
        "review": w.ids["review_id"],
        "home": w.home.pk,
    }
    wrong = []
    for name, role, own in PEOPLE:
        client.force_login(w.cover_user if name == "cover" else w.users[name])
        for verb, probe in enumerate(PROBES[kind]):
            allowed, want = probe(client, w), expected(kind, role, own, verb)
            if allowed != want:
                wrong.append(f"{name} {'read' if verb == 0 else 'write'}: {allowed}, table {want}")
    assert not wrong, f"{kind}: " + "; ".join(wrong)
