"""The load test: gunicorn on this machine, wrk as the load generator, 50 signed-in users.

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

from bench.measure import Row
from tenancy.context import organisation_scope

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
end

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


def run(org, *, users=50, duration=30, workers=4, log=print) -> Row:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("The load test needs wrk: apt-get install -y wrk")
    mix = workload(org, users)
    lines = "\n".join(f'requests[{i + 1}] = {{"{p}", "{k}"}}' for i, (p, k) in enumerate(mix))
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keywork.settings.base",  # DEBUG off, no TLS redirect
        "DEBUG": "false",
    }
    gunicorn = [
        sys.executable, "-m", "gunicorn", "keywork.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
        "--backlog", "2048", "--log-level", "warning",
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "mix.lua"
        script.write_text(LUA % {"requests": lines, "cookie": settings.SESSION_COOKIE_NAME})
        server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)
        try:
            _wait_for(port)
            # Warm every worker (imports, templates, connections), then measure.
            subprocess.run(
                [wrk, "-t2", f"-c{users}", "-d5s", "-s", str(script), f"http://127.0.0.1:{port}"],
                check=True, capture_output=True,
            )  # fmt: skip
            log(f"load: {users} users, {len(mix)} distinct requests, {workers} gunicorn workers, "
                f"{duration}s")  # fmt: skip
            done = subprocess.run(
                [wrk, "-t2", f"-c{users}", f"-d{duration}s", "--timeout", "10s",
                 "-s", str(script), f"http://127.0.0.1:{port}"],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    result = json.loads(done.stdout.split("RESULT ", 1)[1].splitlines()[0])
    seconds = result["duration_us"] / 1e6
    errors = result["non_200"] + sum(result[k] for k in ("connect", "read", "write", "timeout"))
    rps = result["requests"] / seconds
    row = Row(
        name=f"load: {users} users, mixed pages",
        median_ms=round(result["p50_us"] / 1000, 1),
        p95_ms=round(result["p95_us"] / 1000, 1),
        queries=0,
        raw_sql_ms=0.0,
        budget_ms=300.0,  # applied to the p95 below
        raw_rule=False,
        note=f"{rps:.0f} requests/s, {errors} errors"
        + (f" (first: {result['first_non_200']})" if result["non_200"] else ""),
    )
    row.rps, row.errors = round(rps, 1), errors
    return row


def _wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")
