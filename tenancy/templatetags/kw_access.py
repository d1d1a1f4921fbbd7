"""Templates ask the access rules whether to offer a button or a link:
``{% load kw_access %}{% if request.access|writes_somewhere:"behaviour" %}…{% endif %}`` asks the
access table (tenancy.access.ACCESS_TABLE); ``{% if request.access|may_open:"behaviour:site_analysis"
%}`` (a link) and ``{% if request.access|may_send:"sessions_app:bundle_start" %}`` (a form that
posts) ask ``tenancy.access.visitor_may``, which pages this person may open at all (an independent
visitor only theirs). Both decide by URL name: nothing is resolved and nothing is queried, so they
cost next to nothing on the longest list page."""

from django import template

from tenancy.access import visitor_may

register = template.Library()


@register.filter
def writes_somewhere(access, kind: str) -> bool:
    """Whether the user may write ``kind`` for every child of at least one of their sites."""
    return bool(access and access.site_ids_for(kind, "write"))


@register.filter
def may_open(access, view_name: str) -> bool:
    """Whether the person may open (GET) the page named ``view_name`` ("app:name"). False only for
    an independent visitor and a page outside theirs: every other check is the page's own."""
    return visitor_may(access or None, view_name, "GET")


@register.filter
def may_send(access, view_name: str) -> bool:
    """Whether the person may send a form (POST) to the page named ``view_name``."""
    return visitor_may(access or None, view_name, "POST")
