"""The key-work story's additions (issue 20.3): the pupil on a page that opens it, and the
behaviour and attendance trends per week with their charts. Read from the apps below through
their selectors; ``selectors.story`` gives the sessions, targets and the child's voice.

Shapes:
    pupil_on_a_page(access, child, story) -> PupilOnAPage
    trends(child, start, end) -> Trends   # weeks Monday-first, as the behaviour page counts them
    full_story(access, child, start, end) -> FullStory   # everything both documents show
"""

import datetime
from dataclasses import dataclass, field

from behaviour import codes
from behaviour import selectors as behaviour_selectors
from behaviour.models import Kind as SlipKind
from people.models import Child
from people.selectors import allocated_staff_ids, can
from plans import selectors as plan_selectors
from plans.models import Plan, PlanType, PlanVersion
from tenancy.access import Access

from . import charts
from .selectors import Story, story

NEGATIVE = (SlipKind.LOW, SlipKind.HIGH)
POSITIVE = (SlipKind.GREEN, SlipKind.GROWTH)


@dataclass
class PupilOnAPage:
    """One page: who they are, what matters to them, how best to support them, and where each
    came from (the current pupil on a page, the pen portrait, the child's own words)."""

    who: list[tuple[str, str]]
    matters: list[tuple[str, str]]  # (heading, text)
    support: list[tuple[str, str]]
    sources: list[str]


@dataclass
class Week:
    start: datetime.date  # the Monday
    negative: int  # low-level and high-level slips
    positive: int  # green and growth-mindset slips
    points: int | None  # class points (schools)
    attendance: float | None  # attended ÷ possible sessions, %; None when none was possible
    possible: int


@dataclass
class Trends:
    weeks: list[Week]
    negative: int
    positive: int
    points: int | None
    attendance: float | None  # over the whole period, as the attendance certificate counts it
    slips_png: bytes = field(repr=False, default=b"")
    attendance_png: bytes = field(repr=False, default=b"")


@dataclass
class FullStory:
    story: Story
    pupil: PupilOnAPage
    trends: Trends


def _age(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _current_pop(access: Access, child: Child, allocated: set[int]) -> PlanVersion | None:
    """The child's current pupil on a page, if the reader may see it (plans' own rule)."""
    plan = Plan.objects.filter(child=child, plan_type=PlanType.PUPIL_ON_A_PAGE).first()
    if plan is None or not plan_selectors.can_view_plan(
        access, child, PlanType.PUPIL_ON_A_PAGE, plan, allocated
    ):
        return None
    return PlanVersion.objects.filter(plan=plan, status=PlanVersion.Status.CURRENT).first()


def _text(content: dict, key: str) -> str:
    return ((content or {}).get(key) or {}).get("text", "").strip()


def pupil_on_a_page(access: Access, child: Child, the_story: Story) -> PupilOnAPage:
    """From the child's record: name, age, placement and key worker; what matters to them and how
    best to support them from the current pupil on a page (schools) when there is one the reader
    may see, else from the pen portrait (once complete, for those who may read it) and the
    child's most recent words in key work. Three queries at most."""
    allocated = allocated_staff_ids(child)
    day = the_story.end
    word = child.site.child_word
    who = [
        ("Name", child.display_name),
        ("Age", f"{_age(child.date_of_birth, day)} (born {child.date_of_birth:%-d %B %Y})"),
        ("Site", child.site.name),
        ("Since", f"{child.start_date:%-d %B %Y}"),
    ]
    if child.year_group:
        who.append(("Year group", child.get_year_group_display()))
    matters, support, sources = [], [], []
    pop = _current_pop(access, child, allocated) if child.site.is_school else None
    if pop is not None:
        sources.append(f"Pupil on a page of {pop.plan_date:%-d %B %Y}")
        for key, heading in (
            ("like", "What people like and admire"),
            ("matters", "What is important to them"),
        ):
            if _text(pop.content, key):
                matters.append((heading, _text(pop.content, key)))
        if _text(pop.content, "support"):
            support.append(("How best to support them", _text(pop.content, "support")))
    portrait = getattr(child, "pen_portrait", None)
    if (
        portrait is not None
        and portrait.is_complete
        and can(access, "pen_portrait", "read", child, allocated)
    ):
        if portrait.behaviour.strip():
            support.append(("Behaviour (pen portrait)", portrait.behaviour.strip()))
        if portrait.medical.strip():
            support.append(("Medical (pen portrait)", portrait.medical.strip()))
        sources.append("Pen portrait")
    if not matters and the_story.voice:
        day_said, said = the_story.voice[-1]
        matters.append((f"In their own words, {day_said:%-d %B %Y}", said.strip()))
        sources.append(f"The {word}'s voice in key work")
    return PupilOnAPage(who=who, matters=matters, support=support, sources=sources)


def trends(child: Child, start: datetime.date, end: datetime.date) -> Trends:
    """Behaviour and attendance per week over ``start``..``end``: the slips and points exactly as
    the child's behaviour page counts them for the same period (``behaviour.selectors.
    child_analysis``: retracted slips left out, weeks on the site's clock), attendance from the
    register's marks (``codes.Tally``: attended ÷ possible). Seven queries; two PNG charts."""
    result = behaviour_selectors.child_analysis(
        child, start, end, target=behaviour_selectors.weekly_target(child.site)
    )
    tallies: dict[datetime.date, codes.Tally] = {}
    whole = codes.Tally(by_code={})
    for mark in behaviour_selectors.marks_for(child, start, end):
        monday = mark.date - datetime.timedelta(days=mark.date.weekday())
        tallies.setdefault(monday, codes.Tally(by_code={})).add(mark.code)
        whole.add(mark.code)
    school = child.site.is_school
    weeks = []
    for row, points in zip(result.by_week, result.points_weeks, strict=True):
        tally = tallies.get(row["week"], codes.Tally(by_code={}))
        weeks.append(
            Week(
                start=row["week"],
                negative=sum(row["counts"].get(k, 0) for k in NEGATIVE),
                positive=sum(row["counts"].get(k, 0) for k in POSITIVE),
                # A week with nobody's points recorded for the child is no data, not 0.
                points=points["points"] if school and points["pupils"] else None,
                attendance=tally.percent,
                possible=tally.possible,
            )
        )
    out = Trends(
        weeks=weeks,
        negative=sum(w.negative for w in weeks),
        positive=sum(w.positive for w in weeks),
        points=sum(w.points or 0 for w in weeks) if school else None,
        attendance=whole.percent,
    )
    out.slips_png = charts.slips_png(result.by_week, result.words)
    out.attendance_png = charts.attendance_png(weeks) if whole.possible else b""
    return out


def full_story(access: Access, child: Child, start: datetime.date, end: datetime.date) -> FullStory:
    """Everything the story's PDF and Word file show, computed once for both."""
    the_story = story(child, start, end)
    return FullStory(
        story=the_story,
        pupil=pupil_on_a_page(access, child, the_story),
        trends=trends(child, start, end),
    )
