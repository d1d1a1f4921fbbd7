"""The worst case of every text the product accepts: memory and time of the longest accepted input,
shaped to cost the most (issue 14: one 49,990-letter word once grew a worker to 23 GB).

    python bench/worst_case.py [--json]

Pure Python, no database: each case runs once in this process with the word list already loaded
(loading it is a once-per-process cost, measured separately) and every cache cleared, under
``tracemalloc`` (peak bytes allocated during the case) and, in a separate run, ``time.process_time`` (CPU) and
``time.perf_counter`` (wall). The budget is 100 MB and 1 s of CPU a case; the script exits
non-zero when a case is over it.
``tests/quality/test_worst_case.py`` runs the same cases with the same budget.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keywork.settings.test")

BUDGET_MB = 100.0
BUDGET_S = 1.0


def cases() -> dict[str, object]:
    """name -> a function of no arguments doing the work of one request's text at its limit."""
    from checking.checker import MAX_CHECKED_CHARS, Context, Person, check
    from checking.checker.safeguarding import DEFAULT_DISCLOSURE_PHRASES
    from tenancy.text import search_words

    n = MAX_CHECKED_CHARS
    rng = random.Random(14)
    first = ["Leah", "Jack", "Noah", "Isla", "Kai", "Maisie", "Finley", "Demi", "Umar", "Zoë"]
    last = ["Jones", "Evans", "Khan", "Patel", "Baker", "Nash", "Green", "O'Brien", "Quinn"]
    children = (Person("Amber", "Smith", child_id=1),) + tuple(
        Person(f"{rng.choice(first)}{i % 7 or ''}", rng.choice(last), child_id=i + 2)
        for i in range(1999)
    )
    context = Context(
        site_kind="home",
        record_kind="session",
        extra_phrases=tuple(f"banned phrase number {i}" for i in range(500)),
        accepted_words=tuple(f"Localword{i}" for i in range(500)),
        children=children,
        staff_names=tuple(f"Staff{i} Member{i % 13}" for i in range(300)),
        place_names=("Oak House",),
        child_id=1,
        family_names=("Kerry Smith",),
        disclosure_phrases=DEFAULT_DISCLOSURE_PHRASES,
    )
    letters = "abcdefghijklmnopqrstuvwxyz"

    def fill(unit: str) -> str:
        return (unit * (n // len(unit) + 1))[:n]

    texts = {
        "one word of 49,990 letters": "a" * 49_990,
        "50,000 letters, no spaces": "x" * n,
        "misspelt words, all different": " ".join(
            "".join(rng.choice(letters) for _ in range(7)) for _ in range(n // 8)
        )[:n],
        "47-letter misspellings": " ".join(
            "".join(rng.choice(letters) for _ in range(47)) for _ in range(n // 48)
        )[:n],
        "unclosed quotes": fill(" 'a"),
        "unclosed double quotes": fill(' "a'),
        "other children's names": fill("Leah Jones met Kai and Zoë O’Brien. "),
        "opinion phrases": fill("She may have been upset. "),
        "disclosure language": fill("He said 'he hit me, don't tell anyone'. "),
        "small-letter sentences": fill("a. "),
        "long line, no full stop": "a" * (n - 4) + " b c",
        "hyphen and apostrophe chain": fill("a-'s"),
        "address-like run": "www." + "a" * (n - 4),
        "repeated word": fill("the the "),
        "spaces": "a" + " " * (n - 2) + "b",
        "Bengali and emoji": fill("আমি ভালো আছি 😀 "),
        "combining accents": fill("Zoe\u0308 cafe\u0301 "),
        "targets, one word a line": fill("try\n"),
    }
    work = {
        f"check: {name}": (lambda t=text: check({"account": t}, context, quality_standards=(3, 5)))
        for name, text in texts.items()
    }
    work["check: targets field, 50,000 characters"] = lambda: check(
        {"targets": fill("Try to be good by Friday 3 times.\n")}, context
    )
    work["search: 50,000-character query"] = lambda: search_words(fill("Zoë O’Brien "))
    return work


def clear_caches() -> None:
    from checking import spelling
    from checking.checker import language, names, safeguarding, spell

    spelling._suggestions.cache_clear()
    for fn in (
        language._opinion_patterns,
        names._name_patterns,
        names._name_matchers,
        safeguarding._patterns,
        spell._accepted,
    ):
        fn.cache_clear()


def measure(fn) -> tuple[float, float, float]:
    """(peak MB, wall seconds, CPU seconds) of one call with cold caches: timed on its own, then
    run again under ``tracemalloc`` for the memory (which slows it threefold)."""
    clear_caches()
    started, started_cpu = time.perf_counter(), time.process_time()
    fn()
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    clear_caches()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6, wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from checking import spelling

    started = time.perf_counter()
    spelling.dictionary()
    load = time.perf_counter() - started
    rows = []
    for name, fn in cases().items():
        peak, wall, cpu = measure(fn)
        rows.append(
            {
                "case": name,
                "peak_mb": round(peak, 1),
                "wall_s": round(wall, 3),
                "cpu_s": round(cpu, 3),
            }
        )
    # CPU time is what a case costs; wall time also counts other work on a shared machine.
    over = [r for r in rows if r["peak_mb"] > BUDGET_MB or r["cpu_s"] > BUDGET_S]
    if args.json:
        print(json.dumps({"word_list_load_s": round(load, 2), "cases": rows}, indent=1))
    else:
        print(f"word list load (once per process): {load:.2f} s")
        print(f"{'case':<52} {'peak MB':>8} {'wall s':>7} {'CPU s':>6}")
        for r in rows:
            print(f"{r['case']:<52} {r['peak_mb']:>8.1f} {r['wall_s']:>7.3f} {r['cpu_s']:>6.3f}")
        worst = max(rows, key=lambda r: r["cpu_s"])
        heaviest = max(rows, key=lambda r: r["peak_mb"])
        print(
            f"slowest: {worst['case']} ({worst['wall_s']:.3f} s); "
            f"heaviest: {heaviest['case']} ({heaviest['peak_mb']:.1f} MB)"
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
