"""``{% page_panels "place" obj %}``: the panels higher apps add to this page (see
``tenancy.navigation.page_panels``), so a lower app's template names a place, never an app."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def page_panels(context, place: str, obj=None):
    from tenancy.navigation import page_panels as gather

    request = context.get("request")
    html = [
        render_to_string(name, {"obj": obj, **extra}, request=request)
        for name, extra in gather(request, place, obj)
    ]
    return mark_safe("".join(html))  # each panel is an escaped template of its own
