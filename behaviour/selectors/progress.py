"""Progress grades: a child's grade sheet and a site's subjects."""

from dataclasses import dataclass

from django.db.models import QuerySet

from people.models import Child
from tenancy.models import Site

from ..models import (
    AssessmentPoint,
    Grade,
    Subject,
)

# ---- progress ---------------------------------------------------------------------------------


@dataclass
class GradeSheet:
    points: list[AssessmentPoint]
    rows: list[dict]  # {"subject", "cells": [Grade|None], "trend": float|None, "latest": Grade}


def grade_sheet(child: Child) -> GradeSheet:
    grades = list(Grade.objects.filter(child=child).select_related("subject", "assessment_point"))
    points = sorted({g.assessment_point for g in grades}, key=lambda p: (p.date, p.name))
    subjects = sorted({g.subject for g in grades}, key=lambda s: s.name)
    index = {(g.subject_id, g.assessment_point_id): g for g in grades}
    rows = []
    for subject in subjects:
        cells = [index.get((subject.pk, p.pk)) for p in points]
        present = [c for c in cells if c is not None]
        trend = float(present[-1].working_at - present[0].working_at) if len(present) > 1 else None
        rows.append({"subject": subject, "cells": cells, "trend": trend, "latest": present[-1]})
    return GradeSheet(points=points, rows=rows)


def subjects_for(site: Site) -> QuerySet[Subject]:
    return Subject.objects.filter(site=site)
