"""Server time per page through Django's test client, its query count, and the raw SQL time of the
same queries run directly, so the table shows how far above the database's own cost a page is."""

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
    budget_ms: float

    @property
    def within_budget(self) -> bool:
        return self.median_ms <= self.budget_ms


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


def measure_page(client, name, url, *, repeat=20, budget_ms=100.0) -> Row:
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
    )


def table(rows: list[Row]) -> str:
    lines = [
        f"{'page':<34} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'raw SQL ms':>10} {'budget':>7}",
        "-" * 80,
    ]
    for r in rows:
        flag = "ok" if r.within_budget else "MISS"
        lines.append(
            f"{r.name:<34} {r.median_ms:>9.1f} {r.p95_ms:>8.1f} {r.queries:>7} {r.raw_sql_ms:>10.1f} {flag:>7}"
        )
    return "\n".join(lines)


def write_json(rows: list[Row], path, extra: dict) -> None:
    data = {
        "machine": f"{platform.machine()} {platform.processor() or ''} {platform.python_version()}",
        "rows": [asdict(r) for r in rows],
        **extra,
    }
    path.write_text(json.dumps(data, indent=2))
