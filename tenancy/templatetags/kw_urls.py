"""Addresses in long lists without one ``{% url %}`` per row: ``{% url_for_id "behaviour:slip_detail"
as slip_url %}`` reverses once, and each row writes ``{{ slip_url|with_id:slip.pk }}`` (a reverse
costs about as much as the rest of a row's cells: the README's benchmarks)."""

from django import template
from django.urls import reverse

from tenancy import urlcache

register = template.Library()


@register.simple_tag
def page_url(name: str) -> str:
    """``{% page_url "home" %}``: ``{% url "home" %}`` for an address with no arguments, reversed
    once per process (``tenancy.urlcache``): the top bar writes several on every page."""
    return urlcache.reverse(name)


SENTINEL = 987654321


@register.simple_tag
def url_for_id(name: str) -> tuple[str, str]:
    """The address of the URL named ``name`` (one integer argument) split around that argument:
    (before, after), for ``with_id``."""
    head, _, tail = reverse(name, args=[SENTINEL]).rpartition(str(SENTINEL))
    return head, tail


@register.filter
def with_id(parts: tuple[str, str], pk) -> str:
    """The address for ``pk`` from ``url_for_id``'s parts; ``pk`` must be an integer id (as
    ``{% url %}`` with an ``<int:…>`` pattern would insist)."""
    return f"{parts[0]}{int(pk)}{parts[1]}"
