"""The bench's own arithmetic, on made-up figures (no timing): CPU from /proc, CPU a request, the
load rows' verdicts, the page budgets and the raw SQL guard."""

import os

from bench import cpu, load
from bench.measure import Row, _p95, over_sql_budget


def test_cpu_time_is_read_from_schedstat_or_from_stat(tmp_path):
    (tmp_path / "10").mkdir()
    (tmp_path / "10" / "schedstat").write_text("2500000000 120 7\n")
    (tmp_path / "11").mkdir()
    # A name with spaces and a parenthesis; utime 150 and stime 50 ticks (fields 14 and 15).
    fields = ["S", "1"] + ["0"] * 9 + ["150", "50"] + ["0"] * 5
    (tmp_path / "11" / "stat").write_text("11 (post (gres) x) " + " ".join(fields) + "\n")
    assert cpu.process_cpu_ns(10, tmp_path) == 2_500_000_000
    (tmp_path / "11" / "schedstat").write_text("1000 0 1\n")  # the main thread only
    assert cpu.process_cpu_ns(11, tmp_path) == 1000
    assert cpu.parse_stat((tmp_path / "11" / "stat").read_text(), 100) == 2_000_000_000
    every_thread = cpu.process_cpu_ns(11, tmp_path, all_threads=True)
    assert every_thread == 200 * 1_000_000_000 // os.sysconf("SC_CLK_TCK")
    assert cpu.process_cpu_ns(99, tmp_path) is None  # exited
    assert cpu.snapshot([10, 99], tmp_path) == {10: 2_500_000_000}


def test_children_are_found_by_their_parent_id(tmp_path):
    for pid, parent in ((20, 1), (21, 20), (22, 20), (23, 21)):
        (tmp_path / str(pid)).mkdir()
        rest = " ".join(["S", str(parent)] + ["0"] * 20)
        (tmp_path / str(pid) / "stat").write_text(f"{pid} (gunicorn: worker) {rest}\n")
    assert sorted(cpu.children_of(20, tmp_path)) == [21, 22]


def test_cpu_used_counts_growth_and_processes_that_started_in_between():
    before = {1: 1_000_000, 2: 5_000_000}
    after = {1: 4_000_000, 2: 6_000_000, 3: 2_000_000}  # 3 is a new database connection
    assert cpu.used_ns(before, after) == 3_000_000 + 1_000_000 + 2_000_000
    assert cpu.per_request_ms(6_000_000, 3) == 2.0
    assert cpu.per_request_ms(6_000_000, 0) == 0.0


def wrk_result(**overrides):
    result = {
        "requests": 3000,
        "duration_us": 20_000_000,
        "p50_us": 40_000,
        "p95_us": 150_000,
        "p99_us": 190_000,
        "max_us": 400_000,
        "non_200": 0,
        "first_non_200": "",
        "connect": 0,
        "read": 0,
        "write": 0,
        "timeout": 0,
    }
    return {**result, **overrides}


def test_a_saturation_row_is_judged_by_its_cpu_a_request_and_errors():
    # 3,000 requests in 20 s, 24 s of web CPU and 6 s of database CPU: 10 ms a request.
    used = {"web": 24_000_000_000, "db": 6_000_000_000}
    row = load.row_from("saturation", wrk_result(), cpu_ns=used, think=False)
    assert (row.rps, row.cpu_ms, row.web_cpu_ms, row.db_cpu_ms) == (150.0, 10.0, 8.0, 2.0)
    assert (row.median_ms, row.p95_ms, row.errors, row.verdict) == (40.0, 150.0, 0, "ok")
    heavy = {"web": 36_000_000_000, "db": 6_000_000_000}  # 14 ms a request: over 13
    assert load.row_from("s", wrk_result(), cpu_ns=heavy, think=False).verdict == "MISS"
    failing = load.row_from("s", wrk_result(non_200=2, timeout=1), cpu_ns=used, think=False)
    assert failing.errors == 3 and failing.verdict == "MISS"


def test_a_people_row_is_judged_by_its_p95():
    used = {"web": 3_000_000_000, "db": 0}
    assert load.row_from("p", wrk_result(), cpu_ns=used, think=True).verdict == "ok"
    slow = load.row_from("p", wrk_result(p95_us=250_000), cpu_ns=used, think=True)
    assert slow.p95_ms == 250.0 and slow.verdict == "MISS"


def test_a_page_is_held_to_twice_its_sql_plus_ten_and_to_its_sql_budget():
    page = Row("list", median_ms=30.0, p95_ms=35.0, queries=9, raw_sql_ms=10.0, budget_ms=100.0)
    assert page.raw_budget_ms == 30.0 and page.verdict == "ok"
    page.median_ms = 30.5
    assert page.verdict == "MISS"
    guarded = Row("dashboard", 20.0, 25.0, 9, raw_sql_ms=63.0, budget_ms=None, sql_budget_ms=25.0)
    assert guarded.verdict == "MISS"
    fine = Row("child", 10.0, 12.0, 9, raw_sql_ms=4.0, budget_ms=None, sql_budget_ms=25.0)
    assert over_sql_budget([guarded, fine]) == ["dashboard: raw SQL 63.0 ms > budget 25 ms"]
    # Held to the backend's CPU when measured: a loaded machine's wall-clock does not fail it.
    loaded = Row("list", 20.0, 25.0, 9, raw_sql_ms=40.0, budget_ms=None, sql_budget_ms=25.0)
    loaded.raw_sql_cpu_ms = 6.0
    assert over_sql_budget([loaded]) == [] and loaded.verdict == "ok"


def test_the_95th_percentile_is_a_measured_value():
    assert _p95(list(range(1, 21))) == 19
    assert _p95([5.0]) == 5.0
