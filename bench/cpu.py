"""CPU time per request from the kernel's process accounting (Linux ``/proc``): the web process's
and its PostgreSQL backends', which, unlike wall-clock time, does not grow when other work shares
the machine's cores (it grows a little with cache contention, not with queueing).

``/proc/<pid>/schedstat`` gives a process's main thread's time on a CPU in nanoseconds (its first
field): precise, and enough for a single-threaded process (a PostgreSQL backend, this process while
it renders pages). ``/proc/<pid>/stat``'s user and system times (fields 14 and 15, in clock ticks of
1/``SC_CLK_TCK`` s, 10 ms here) count every thread of the process, those that ended too: the load
test uses them (gthread workers serve requests on other threads), over runs of seconds."""

import os
from pathlib import Path

PROC = Path("/proc")


def parse_schedstat(text: str) -> int:
    """Nanoseconds on a CPU from a ``schedstat`` line ("<run ns> <wait ns> <slices>")."""
    return int(text.split()[0])


def parse_stat(text: str, ticks_per_second: int) -> int:
    """Nanoseconds of user + system time from a ``stat`` line. The process name (field 2) is in
    parentheses and may hold spaces, so fields are counted after its closing parenthesis."""
    fields = text[text.rindex(")") + 2 :].split()
    # After the name, field 3 (state) is index 0: utime (14) is index 11, stime (15) index 12.
    ticks = int(fields[11]) + int(fields[12])
    return ticks * 1_000_000_000 // ticks_per_second


def process_cpu_ns(pid: int, proc: Path = PROC, *, all_threads: bool = False) -> int | None:
    """Time ``pid`` has spent on a CPU so far, in nanoseconds; None once it has exited. With
    ``all_threads``, every thread's (from ``stat``, to the clock tick); otherwise the main thread's
    (from ``schedstat``, to the nanosecond, falling back to ``stat``)."""
    if not all_threads:
        try:
            return parse_schedstat((proc / str(pid) / "schedstat").read_text())
        except (OSError, ValueError, IndexError):
            pass  # no schedstat (kernel without schedstats) or the process is gone: try stat
    try:
        return parse_stat((proc / str(pid) / "stat").read_text(), os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def snapshot(pids, proc: Path = PROC, *, all_threads: bool = False) -> dict[int, int]:
    """pid → CPU nanoseconds for each running process of ``pids`` (see ``process_cpu_ns``)."""
    found = {}
    for pid in pids:
        ns = process_cpu_ns(pid, proc, all_threads=all_threads)
        if ns is not None:
            found[pid] = ns
    return found


def used_ns(before: dict[int, int], after: dict[int, int]) -> int:
    """CPU used between two snapshots: the growth of each process in both, and all of a process
    that started in between (a new worker or database connection). A process that exited in
    between is lost to both snapshots (gunicorn's workers and persistent connections do not)."""
    return sum(ns - before.get(pid, 0) for pid, ns in after.items())


def per_request_ms(ns: int, requests: int) -> float:
    """Milliseconds of CPU a request, or 0.0 for no requests."""
    return ns / 1e6 / requests if requests else 0.0


def children_of(pid: int, proc: Path = PROC) -> list[int]:
    """The direct children of ``pid`` (gunicorn's workers), from each process's ``stat``."""
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:  # field 4, the parent's id
            found.append(int(entry.name))
    return found


def database_backends(connection) -> list[int]:
    """Process ids of the other PostgreSQL backends connected to this database (the web workers'
    connections when a load test runs), found through ``pg_stat_activity``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return [row[0] for row in cursor.fetchall()]


def own_backend(connection) -> int:
    """The process id of the backend serving ``connection``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]
