"""``{% behaviour_words as words %}``: the words of the signed-in person's sites for behaviour
records (behaviour.words), for parts shared by many pages (the tabs)."""

from django import template

from ..words import for_sites

register = template.Library()


@register.simple_tag(takes_context=True)
def behaviour_words(context):
    access = getattr(context.get("request"), "access", None)
    return for_sites(access.all_sites if access is not None else [])
