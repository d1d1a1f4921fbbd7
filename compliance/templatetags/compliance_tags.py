from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping[key]


@register.filter
def cell_label(cell) -> str:
    """The words that go with the colour: '2 overdue', 'Due today', 'On track'."""
    from compliance.models import Status

    worst = cell.worst
    n = cell.counts.get(worst, 0)
    label = dict(Status.choices)[worst]
    return f"{n} {label.lower()}" if n > 1 else label
