"""Templates ask the access table (tenancy.access.ACCESS_TABLE) whether to offer a button:
``{% load kw_access %}{% if request.access|writes_somewhere:"behaviour" %}…{% endif %}``."""

from django import template

register = template.Library()


@register.filter
def writes_somewhere(access, kind: str) -> bool:
    """Whether the user may write ``kind`` for every child of at least one of their sites."""
    return bool(access and access.site_ids_for(kind, "write"))
