"""Server time per page through Django's test client, its query count, and the raw SQL time of the
same queries run directly, so the table shows how far above the database's own cost a page is.

Budgets (issue #10, this machine at full size): a page's median at most 100 ms and at most
3 × its raw SQL time + 20 ms; a session PDF 300 ms; the full sweep 30 s."""

import json
import platform
import statistics
import time
from dataclasses import asdict, dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Row:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    raw_sql_ms: float
    budget_ms: float | None
    raw_rule: bool = True  # also "median ≤ 3 × raw SQL + 20 ms"
    note: str = ""
    rps: float | None = None  # the load test: at least 100 requests/s and no errors
    errors: int | None = None

    @property
    def raw_budget_ms(self) -> float | None:
        return round(3 * self.raw_sql_ms + 20, 1) if self.raw_rule else None

    @property
    def within_budget(self) -> bool:
        if self.rps is not None and (self.rps < 100 or self.errors):
            return False
        measured = self.p95_ms if self.rps is not None else self.median_ms
        if self.budget_ms is not None and measured > self.budget_ms:
            return False
        return self.raw_budget_ms is None or self.median_ms <= self.raw_budget_ms

    @property
    def verdict(self) -> str:
        if self.budget_ms is None and self.raw_budget_ms is None:
            return "—"
        return "ok" if self.within_budget else "MISS"


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def raw_sql_ms(captured) -> float:
    """Run each captured read again on its own, straight through the cursor, and time it (writes
    such as the session's last-seen time and audit entries are left out: they are not repeated)."""
    total = 0.0
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            statement = sql.split("; ", 1)[-1] if sql.startswith("SELECT set_config(") else sql
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            start = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            total += time.perf_counter() - start
    return total * 1000


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def measure_page(client, name, url, *, repeat=20, budget_ms=100.0, raw_rule=True, note="") -> Row:
    client.get(url)  # warm caches and the session
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    sql_runs = [raw_sql_ms(ctx.captured_queries) for _ in range(5)]
    return Row(
        name=name,
        median_ms=round(statistics.median(times), 1),
        p95_ms=round(_p95(times), 1),
        queries=len(ctx.captured_queries),
        raw_sql_ms=round(statistics.median(sql_runs), 1),
        budget_ms=budget_ms,
        raw_rule=raw_rule,
        note=note,
    )


def measure_call(name, fn, *, repeat=3, budget_ms=None, note="") -> Row:
    """The same for work that is not a page (a bundle built by a task, the sweep)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return Row(
        name=name,
        median_ms=round(statistics.median(times), 1),
        p95_ms=round(_p95(times), 1),
        queries=len(ctx.captured_queries),
        raw_sql_ms=round(raw_sql_ms(ctx.captured_queries), 1),
        budget_ms=budget_ms,
        raw_rule=False,
        note=note,
    )


def table(rows: list[Row]) -> str:
    head = (
        f"{'measured':<36} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'raw SQL ms':>10} "
        f"{'budget ms':>9} {'':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        budgets = [b for b in (r.budget_ms, r.raw_budget_ms) if b is not None]
        budget = f"{min(budgets):.0f}" if budgets else "—"
        lines.append(
            f"{r.name:<36} {r.median_ms:>9.1f} {r.p95_ms:>8.1f} {r.queries:>7} "
            f"{r.raw_sql_ms:>10.1f} {budget:>9} {r.verdict:>5}" + (f"  {r.note}" if r.note else "")
        )
    return "\n".join(lines)


def machine() -> str:
    import os

    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"1-minute load average {os.getloadavg()[0]:.1f} when written"
    )


def write_json(rows: list[Row], path, extra: dict) -> None:
    data = {
        "machine": machine(),
        "rows": [
            {**asdict(r), "raw_budget_ms": r.raw_budget_ms, "verdict": r.verdict} for r in rows
        ],
        **extra,
    }
    path.write_text(json.dumps(data, indent=2, default=str))
