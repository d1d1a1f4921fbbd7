from django import template

register = template.Library()


@register.filter
def field_for_site(form, site):
    """The bound role boxes for ``site`` (fields are named ``site_<id>``)."""
    return form[f"site_{site.pk}"]
