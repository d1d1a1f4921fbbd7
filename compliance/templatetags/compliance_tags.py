import functools

from django import template
from django.utils.html import format_html

register = template.Library()

BADGE_CLASS = {
    "amber": "text-bg-warning",
    "red": "text-bg-danger",
    "green": "text-bg-success",
}


@functools.cache
def _labels():
    from compliance.models import Status

    return dict(Status.choices)


@register.filter
def get(mapping, key):
    return mapping[key]


@register.filter
def cell_label(cell) -> str:
    """The words that go with the colour: '2 overdue', 'Due today', 'On track'."""
    worst = cell.worst
    n = cell.counts.get(worst, 0)
    label = _labels()[worst]
    return f"{n} {label.lower()}" if n > 1 else label


@register.filter
def rag_badge(cell) -> str:
    """A dashboard cell's worst status as a coloured badge with its words. A filter rather than an
    included template: a dashboard draws a hundred of them, and an include costs ten times more."""
    if not cell.worst:
        return ""
    return format_html(
        '<span class="badge kw-rag-{} {}">{}</span>',
        cell.rag,
        BADGE_CLASS.get(cell.rag, "text-bg-secondary"),
        cell_label(cell),
    )
