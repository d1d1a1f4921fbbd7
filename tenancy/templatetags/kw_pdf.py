"""Text inside a PDF's CSS (running headers and footers: ``content: "…"``) and the place a
document is from."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def css_string(value) -> str:
    """``value`` safe inside a double-quoted CSS string in a <style> element: backslashes,
    quotes, angle brackets and line breaks as CSS escapes (HTML escaping would print
    "&#x27;" literally there, and escapejs's ``\\u0027`` is not CSS)."""
    out = []
    for ch in str(value):
        if ch in '\\"<>&' or ch in "\n\r\f" or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return mark_safe("".join(out))


@register.filter
def place(organisation, site) -> str:
    """``{{ organisation|place:child.site }}``: the organisation and the site, named once when
    they bear the same name (``tenancy.exports.place_name``)."""
    from tenancy.exports import place_name

    return place_name(organisation, site)
