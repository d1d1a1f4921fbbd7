"""How fast is the record-quality checker on a 1,000-word record?

    python bench/quality_checker.py [--runs 200]

Pure Python, no database: it times loading the British English word list (once per process), the
first check (which also compiles the organisation's name and phrase patterns, cached afterwards) and
then repeated checks (wall-clock and CPU time) of a 1,000-word home session record with realistic slips, for an organisation
of 1,000 children and 300 staff. The target is under 50 ms a check once loaded.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checking import spelling  # noqa: E402
from checking.checker import Context, Person, check  # noqa: E402

FIXTURE = Path(__file__).resolve().parent.parent / "tests/quality/fixtures/amber_smith_cannabis.txt"
SLIPS = [
    "She may have been drinking before she came back.",
    "Amber recieved a leaflet about her behavior.",
    "you did not tell staff where you were.",
    "Amber went to the the shop with Leah Jones  at 16:00",
    "It looked like she had been crying, as usual.",
]


def record(words: int = 1000) -> dict[str, str]:
    text = FIXTURE.read_text(encoding="utf-8").split("discussed during the session here:")[1]
    sentences = [s.strip() + "." for s in text.replace("\n", " ").split(". ") if s.strip()]
    rng = random.Random(9)
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(rng.choice(SLIPS) if rng.random() < 0.15 else rng.choice(sentences))
    account = " ".join(out)
    return {
        "summary": "Key worker session: cannabis",
        "standards_discussed": " ".join(out[:8]),
        "child_agenda": "To discuss recent cannabis use and how this affected her.",
        "key_worker_agenda": "To educate Amber on the effects of cannabis use.",
        "targets": "To not use cannabis.\nTry to be good.\nRead 2 leaflets by Friday.",
        "follow_up": "To continue to support Amber and offer MOSAIC involvement if required.",
        "account": account,
    }


def context() -> Context:
    rng = random.Random(1)
    first = ["Leah", "Jack", "Noah", "Isla", "Kai", "Maisie", "Finley", "Demi", "Umar", "Violet"]
    last = ["Jones", "Evans", "Khan", "Patel", "Baker", "Nash", "Green", "Lewis", "Quinn", "Iqbal"]
    children = [Person("Amber", "Smith", child_id=1)] + [
        Person(f"{rng.choice(first)}{i % 7 or ''}", rng.choice(last), child_id=i + 2)
        for i in range(999)
    ]
    staff = tuple(f"Staff{i} Member{i % 13}" for i in range(300))
    return Context(
        site_kind="home",
        record_kind="session",
        extra_phrases=("it is felt that", "no doubt", "I reckon"),
        accepted_words=("Kooth", "Northshire"),
        children=tuple(children),
        staff_names=staff,
        place_names=("Oak House", "Willow Lodge", "Brightwater Care"),
        child_id=1,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    fields, ctx = record(), context()
    words = sum(len(v.split()) for v in fields.values())

    started = time.perf_counter()
    size = len(spelling.dictionary())
    load_ms = (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    report = check(fields, ctx, quality_standards=(3, 5, 7))
    first_ms = (time.perf_counter() - started) * 1000

    timings, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        check(fields, ctx, quality_standards=(3, 5, 7))
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"record: {words} words, {len(report.findings)} findings, score {report.score}")
    print(f"organisation: {len(ctx.children)} children, {len(ctx.staff_names)} staff")
    print(f"word list load (once per process): {load_ms:.0f} ms, {size:,} word forms")
    print(f"first check (compiles name patterns): {first_ms:.1f} ms")
    print(
        f"check, {args.runs} runs: median {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
    )
    # CPU time is what the checker itself costs; wall time also counts other work on a busy machine.
    print(f"check, CPU time: median {statistics.median(cpu):.1f} ms, total {sum(cpu):.0f} ms")


if __name__ == "__main__":
    main()
