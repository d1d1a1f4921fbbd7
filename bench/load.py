"""The load tests: gunicorn on this machine (``keywork/gunicorn.conf.py``), wrk as the load
generator, 50 signed-in users, in two modes:

- **saturation**: 50 connections each sending its next request as soon as the last is answered.
  What it measures is throughput; its latency is the queue (about 50 ÷ throughput), not a page.
- **people**: 50 users, each pausing 1 s ± 0.5 s (uniform) after every answer before the next
  request, as people read a page before clicking (wrk's ``delay()`` hook). It reports what a person
  waits: p50 and p95, with the machine far from saturated.

wrk rather than locust or a Python client: it is C, so the generator's own CPU stays small beside
the server's on the same two cores, and its Lua ``delay()`` gives the think time without a second
tool. Each mode also reports **CPU milliseconds a request**: the gunicorn workers' CPU and their
PostgreSQL backends' CPU over the run, from /proc (``bench.cpu``), divided by the requests served.

Two-factor sign-in cannot be typed by a load generator, so each bench user gets a verified session
made server-side (the test client's ``force_login`` plus the device in the session, exactly what a
person has after entering their code) and wrk sends those cookies. The workload is a mix of what
key workers and managers open all day: home, the children list, a child's page, my week, the
slip list, the site's sessions, the analysis and the compliance dashboard. wrk's connections take
the requests in turn, each with its user's cookie; any answer other than 200 counts as an error."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from bench import cpu
from bench.measure import MIX_CPU_BUDGET_MS, Row
from tenancy.context import organisation_scope

PEOPLE_P95_BUDGET_MS = 200.0
THINK_MS = (500, 1500)  # each person's pause after an answer, uniform

ROOT = Path(__file__).resolve().parents[1]

LUA = r"""
local requests = {}
%(requests)s
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  i = id * 7919
  bad = 0
  first_bad = ""
  math.randomseed(id * 104729)
end
%(delay)s

function request()
  i = i + 1
  local r = requests[(i %% #requests) + 1]
  return wrk.format("GET", r[1], {["Cookie"] = "%(cookie)s=" .. r[2]})
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if first_bad == "" then first_bad = tostring(status) end
  end
end

function done(summary, latency, requests)
  local bad_total, first = 0, ""
  for _, t in ipairs(threads) do
    bad_total = bad_total + t:get("bad")
    if first == "" then first = t:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d, "non_200": %%d, "first_non_200": "%%s", "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "timeout": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, bad_total, first, e.connect, e.read, e.write, e.timeout))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workload(org, users: int) -> list[tuple[str, str]]:
    """(path, session key) pairs: each user's usual pages with their own signed-in session."""
    from accounts.testing import VerifiedClient
    from people.models import KeyWorkerAllocation
    from tenancy.models import Membership, Role

    with organisation_scope(org.pk):
        members = list(
            Membership.objects.filter(role__in=[Role.MANAGER, Role.KEY_WORKER], is_active=True)
            .select_related("user")
            .order_by("role", "pk")
        )
        managers = [m for m in members if m.role == Role.MANAGER][: max(1, users // 5)]
        workers = [m for m in members if m.role == Role.KEY_WORKER][: users - len(managers)]
        child_of = dict(
            KeyWorkerAllocation.objects.filter(
                ends_on__isnull=True, staff__in=[m.user for m in workers]
            ).values_list("staff_id", "child_id")
        )
    mix = []
    for member in managers + workers:
        client = VerifiedClient()
        client.force_login(member.user)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        site = member.site_id
        if member.role == Role.MANAGER:
            paths = [
                "/",
                f"/children/?site={site}",
                f"/compliance/sites/{site}/",
                f"/sessions/site/{site}/?period=fortnight",
                f"/behaviour/analysis/?site={site}",
                "/behaviour/?preset=fortnight",
            ]
        else:
            child = child_of.get(member.user_id)
            paths = [
                "/",
                "/children/",
                "/compliance/my-week/",
                "/behaviour/?preset=fortnight",
                "/sessions/",
            ] + ([f"/children/{child}/"] * 2 if child else [])
        mix.extend((path, key) for path in paths)
    return mix


DELAY = f"""
function delay()
  return math.random({THINK_MS[0]}, {THINK_MS[1]})
end
"""


def script_text(mix, *, think: bool) -> str:
    """The Lua script: the requests, cookies, and (people mode) the pause after each answer."""
    lines = "\n".join(f'requests[{i + 1}] = {{"{p}", "{k}"}}' for i, (p, k) in enumerate(mix))
    return LUA % {
        "requests": lines,
        "cookie": settings.SESSION_COOKIE_NAME,
        "delay": DELAY if think else "",
    }


def row_from(name, result: dict, *, cpu_ns: dict, think: bool) -> Row:
    """A table row from wrk's RESULT line and the CPU used: p50/p95, requests a second, errors
    (any answer but 200, and socket errors), CPU a request (web workers + database backends).
    Saturation is judged by its CPU a request and errors; people mode by its p95 and errors."""
    requests = result["requests"]
    seconds = result["duration_us"] / 1e6
    errors = result["non_200"] + sum(result[k] for k in ("connect", "read", "write", "timeout"))
    rps = requests / seconds if seconds else 0.0
    web_ms = cpu.per_request_ms(cpu_ns["web"], requests)
    db_ms = cpu.per_request_ms(cpu_ns["db"], requests)
    row = Row(
        name=name,
        median_ms=round(result["p50_us"] / 1000, 1),
        p95_ms=round(result["p95_us"] / 1000, 1),
        queries=0,
        raw_sql_ms=0.0,
        budget_ms=PEOPLE_P95_BUDGET_MS if think else None,  # applied to the p95
        raw_rule=False,
        note=f"{rps:.0f} requests/s, {errors} errors"
        + (f" (first: {result['first_non_200']})" if result["non_200"] else ""),
        cpu_ms=round(web_ms + db_ms, 1),
        web_cpu_ms=round(web_ms, 1),
        db_cpu_ms=round(db_ms, 1),
        cpu_budget_ms=None if think else MIX_CPU_BUDGET_MS,
    )
    row.rps, row.errors = round(rps, 1), errors
    return row


def run(
    org, *, users=50, duration=30, workers=None, worker_class=None, threads=None, log=print
) -> list[Row]:
    """Both modes against one gunicorn (the shared config; ``workers``, ``worker_class`` and
    ``threads`` override it for a comparison). Returns the saturation row, then the people row."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("The load test needs wrk: apt-get install -y wrk")
    mix = workload(org, users)
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keywork.settings.base",  # DEBUG off, no TLS redirect
        "DEBUG": "false",
        # Connections kept through both runs: a backend that exits mid-run takes its CPU with it.
        "DATABASE_CONN_MAX_AGE": "600",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESSLOG": "",
        "GUNICORN_LOGLEVEL": "warning",
    }
    for name, value in (("WORKERS", workers), ("WORKER_CLASS", worker_class), ("THREADS", threads)):
        if value:
            env[f"GUNICORN_{name}"] = str(value)
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "keywork" / "gunicorn.conf.py")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        fast, people = Path(tmp) / "mix.lua", Path(tmp) / "people.lua"
        fast.write_text(script_text(mix, think=False))
        people.write_text(script_text(mix, think=True))
        server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)
        url = f"http://127.0.0.1:{port}/"  # wrk 4.1 sends nothing to a URL with no path
        try:
            _wait_for(port)
            # Warm every worker (imports, templates, connections), then measure.
            subprocess.run(
                [wrk, "-t2", f"-c{users}", "-d5s", "-s", str(fast), url],
                check=True, capture_output=True,
            )  # fmt: skip
            kind = env.get("GUNICORN_WORKER_CLASS", "gthread")  # keywork/gunicorn.conf.py
            shape = f"{env.get('GUNICORN_WORKERS', 'cores')} × {kind}" + (
                f" ({env.get('GUNICORN_THREADS', '2')} threads)" if kind == "gthread" else ""
            )
            for think, script, name in (
                (False, fast, f"load, saturation: {users} connections, no pause [{shape}]"),
                (True, people, f"load, people: {users} users, 1 s ± 0.5 s pause [{shape}]"),
            ):
                log(f"{name}: {len(mix)} distinct requests, {duration}s")
                pids = cpu.children_of(server.pid) + [server.pid]
                backends = cpu.database_backends(connection)
                web_before = cpu.snapshot(pids, all_threads=True)
                db_before = cpu.snapshot(backends, all_threads=True)
                done = subprocess.run(
                    [wrk, "-t2", f"-c{users}", f"-d{duration}s", "--timeout", "10s",
                     "-s", str(script), url],
                    check=True, capture_output=True, text=True,
                )  # fmt: skip
                pids = set(pids) | set(cpu.children_of(server.pid))
                backends = set(backends) | set(cpu.database_backends(connection))
                used = {
                    "web": cpu.used_ns(web_before, cpu.snapshot(pids, all_threads=True)),
                    "db": cpu.used_ns(db_before, cpu.snapshot(backends, all_threads=True)),
                }
                result = json.loads(done.stdout.split("RESULT ", 1)[1].splitlines()[0])
                rows.append(row_from(name, result, cpu_ns=used, think=think))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    return rows


def _wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")
