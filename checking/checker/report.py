"""What the checker gives back: findings, the rules they come from with their weights and caps,
and the score with every deduction explained."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .inputs import Context


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    weight: int
    cap: int


RULES = {
    r.code: r
    for r in (
        Rule("missing_section", "Required section missing", 15, 45),
        Rule("thin_section", "Section too short", 6, 24),
        Rule("opinion", "Opinion or speculation", 8, 40),
        Rule("judgemental", "Judgemental wording", 6, 24),
        Rule("you_did", "Sentence addressing the child (“You did …”)", 4, 12),
        Rule("disclosure", "Another child named (possible disclosure)", 15, 45),
        Rule("target_vague", "Vague target", 4, 12),
        Rule("target_not_measurable", "Target not measurable", 3, 9),
        Rule("target_no_timeframe", "Target without a date or time frame", 3, 9),
        Rule("spelling", "Spelling", 2, 20),
        Rule("capital", "Sentence without a capital letter", 1, 6),
        Rule("full_stop", "Paragraph without a full stop", 1, 6),
        Rule("repeated_word", "Repeated word", 2, 6),
        Rule("double_space", "Double space", 1, 3),
        Rule("session_too_long", "Session longer than the site allows", 5, 5),
        Rule("standard_not_discussed", "Quality Standard ticked but not discussed", 4, 12),
        # A suggestion, never a deduction (issue 19): weight 0.
        Rule("safeguarding", "Possible disclosure: consider a safeguarding concern", 0, 0),
    )
}
# A parent or social-worker contact that names another child discloses it outside the setting.
CONTACT_DISCLOSURE_WEIGHT = 25


@dataclass(frozen=True)
class Finding:
    rule: str
    field: str
    start: int
    end: int
    excerpt: str
    message: str
    suggestion: str

    @property
    def label(self) -> str:
        return RULES[self.rule].label

    @property
    def severity(self) -> str:
        """ "high" for what a moderator would return the record for, "medium" for targets and
        sections, "low" for spelling and punctuation, "suggestion" for what costs nothing (the
        safeguarding prompt)."""
        weight = RULES[self.rule].weight
        if weight == 0:
            return "suggestion"
        return "high" if weight >= 6 else "medium" if weight >= 3 else "low"


@dataclass(frozen=True)
class Deduction:
    rule: str
    label: str
    count: int
    weight: int
    points: int
    capped: bool


@dataclass
class Report:
    findings: list[Finding]
    score: int
    deductions: list[Deduction]
    notes: list[str] = field(default_factory=list)

    @property
    def must_fix(self) -> int:
        return sum(1 for f in self.findings if f.severity == "high")

    @property
    def band(self) -> str:
        if self.must_fix and self.score >= 50:
            return "Fix what is marked “Must fix” before submitting"
        if self.score >= 90:
            return "Ready to submit"
        if self.score >= 70:
            return "Good: a few things to fix"
        if self.score >= 50:
            return "Needs work before it is submitted"
        return "Needs substantial revision"

    @property
    def explanation(self) -> list[str]:
        lines = ["Starts at 100."]
        for d in self.deductions:
            cap = " (the most this rule can take)" if d.capped else ""
            lines.append(f"{d.label}: {d.count} × {d.weight} → −{d.points}{cap}.")
        lines.append(f"Score: {self.score}.")
        return lines

    def by_field(self) -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.field, []).append(finding)
        return grouped

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        """The report stored with a record (``as_dict``), to show it again as it was."""
        return cls(
            findings=[Finding(**f) for f in data.get("findings", [])],
            score=data.get("score", 0),
            deductions=[Deduction(**d) for d in data.get("deductions", [])],
            notes=list(data.get("notes", [])),
        )

    def as_dict(self) -> dict:
        """What is stored with a submitted record (JSON-ready)."""
        return {
            "score": self.score,
            "band": self.band,
            "must_fix": self.must_fix,
            "findings": [asdict(f) for f in self.findings],
            "deductions": [asdict(d) for d in self.deductions],
            "notes": list(self.notes),
        }


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and place: overlapping opinion phrases ("appeared" and an organisation's
    "appeared to") are reported once, the longer one kept."""
    kept: dict[tuple[str, str, int], Finding] = {}
    for finding in findings:
        key = (finding.rule, finding.field, finding.start)
        current = kept.get(key)
        if current is None or finding.end > current.end:
            kept[key] = finding
    return list(kept.values())


def _score(findings: list[Finding], context: Context, notes: list[str]) -> Report:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    deductions = []
    total = 0
    for code, rule in RULES.items():
        count = counts.get(code, 0)
        if not count or not rule.weight:
            continue
        weight = rule.weight
        cap = rule.cap
        if code == "disclosure" and context.record_kind == "contact":
            weight, cap = CONTACT_DISCLOSURE_WEIGHT, CONTACT_DISCLOSURE_WEIGHT * 3
        points = min(cap, count * weight)
        total += points
        deductions.append(Deduction(code, rule.label, count, weight, points, count * weight > cap))
    return Report(findings, max(0, 100 - total), deductions, notes)
