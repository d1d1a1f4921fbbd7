"""Every page the benchmark measures runs the same number of queries whatever the data size: the
bench seed at two sizes (the second with more sites, children, staff and history), the same pages
as the same kinds of user, equal counts. The full-size figures are in the README."""

import pytest

from accounts.testing import VerifiedClient, confirm_recently
from bench import measure, pages
from bench.seed import Scale, seed

SMALLER = Scale(sites=2, children=10, staff=6, small_orgs=1, years=1)
LARGER = Scale(sites=4, children=40, staff=14, small_orgs=2, years=2)


def _counts(scale: Scale, prefix: str) -> dict[str, int]:
    context = seed(scale, prefix=prefix, log=lambda *_: None, statistics=False)
    people = pages.find(context.organisation, export_rows=50)
    client = VerifiedClient()
    counts, current = {}, None
    for page in pages.pages(people):
        if page.user != current:
            client.force_login(page.user)
            current = page.user
        if page.confirmed:
            confirm_recently(client)
        client.get(page.url)  # the first visit may set up the session; count the second
        counts[page.name] = measure.count_queries(client, page.url)
    return counts


@pytest.mark.django_db
def test_measured_pages_run_the_same_queries_at_two_data_sizes():
    smaller = _counts(SMALLER, "qc-a")
    larger = _counts(LARGER, "qc-b")
    assert set(smaller) == {p for p in larger}
    assert len(smaller) >= 14
    grown = {
        name: (smaller[name], larger[name]) for name in smaller if larger[name] != smaller[name]
    }
    assert grown == {}, f"query counts grew with the data (smaller, larger): {grown}"
