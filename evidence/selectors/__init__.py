"""Reads of the evidence pages: each target's impact, What works, the child's chronology.

Queries are fixed in number whatever the number of targets or children: the behaviour and
attendance in every target's two windows are counted in one SQL statement (aggregates with
FILTER over the windows, ``_COUNTS``); What works is cached under a version stamp of the records
it reads, like compliance's on-time chart (compliance.selectors.on_time_by_week)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from people.models import Child
from sessions_app.models import KeyWorkSession, SessionTopic

from .chronology import (
    CHRONOLOGY_KINDS,
    Entry,
    _name,
    chronology,
    chronology_kinds,
)
from .targets import (
    _ATTENDED,
    _COUNTS,
    _POSSIBLE,
    CACHE_SECONDS,
    KIND_GROUPS,
    MEASURE_LABELS,
    MEASURES,
    ChildImpactRow,
    TargetImpact,
    _holidays,
    _impacts,
    _measured,
    _percent,
    _Spec,
    _spec,
    child_impact,
)
from .what_works import (
    Filters,
    KindRow,
    WhatWorks,
    _age,
    _kinds,
    _stamp,
    _what_works,
    can_see_what_works,
    chart,
    key_worker_choices,
    what_works,
    what_works_sites,
)

# ---------------------------------------------------------------- 20.3 the key-work story


@dataclass
class Story:
    """The child's key-work story over ``start``..``end`` (inclusive): sessions submitted or
    signed off with their topics; targets set in the period with their outcome and impact; the
    child's own voice (student-voice sessions' accounts in schools, the key child's agenda in
    homes)."""

    child: Child
    start: datetime.date
    end: datetime.date
    sessions: list
    targets: list[ChildImpactRow]
    voice: list[tuple[datetime.date, str]]


def story(child: Child, start: datetime.date, end: datetime.date) -> Story:
    """Five queries: the sessions, their topics, the targets, the holidays, the counts."""
    sessions = list(
        KeyWorkSession.objects.filter(
            child=child, status__in=KeyWorkSession.COUNTED, date__gte=start, date__lte=end
        )
        .select_related("author")
        .order_by("date", "pk")
    )  # query: the period's sessions
    topics: dict[int, list[str]] = defaultdict(list)
    for session_id, name in SessionTopic.objects.filter(session__in=sessions).values_list(
        "session_id", "topic__name"
    ):  # query: their topics
        topics[session_id].append(name)
    for s in sessions:
        s.topic_names = topics.get(s.pk, [])
    targets = [
        row for row in child_impact(child) if start <= row.target.set_in.date <= end
    ]  # queries: the targets, the holidays, the counts
    voice = []
    for s in sessions:
        if child.site.is_school and s.focus == KeyWorkSession.Focus.STUDENT_VOICE and s.account:
            voice.append((s.date, s.account))
        elif not child.site.is_school and s.child_agenda:
            voice.append((s.date, s.child_agenda))
    return Story(child, start, end, sessions, targets, voice)
