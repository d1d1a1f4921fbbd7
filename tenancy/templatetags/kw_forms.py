"""``{{ form.field|as_field }}``: crispy-forms' Bootstrap 5 markup for one field (label, control,
errors, help text), written in Python for the filter bars at the top of list pages. Crispy renders
the same through a dozen nested templates: about 1 ms a field, a third of the children list's
time (see the README's benchmarks). Checkboxes and radio lists still go through crispy."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html, format_html_join

register = template.Library()

_CRISPY_ONLY = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


@register.filter
def as_field(bound):
    widget = bound.field.widget
    if isinstance(widget, _CRISPY_ONLY) or widget.is_hidden:
        return as_crispy_field(bound)
    field_id = bound.auto_id
    base = "select form-select" if isinstance(widget, forms.Select) else "form-control"
    words = f"{widget.attrs.get('class', '')} {base} {'is-invalid' if bound.errors else ''}"
    attrs = {"class": " ".join(dict.fromkeys(words.split()))}
    described = []
    if bound.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{field_id}_error")
    if bound.help_text:
        described.append(f"{field_id}_helptext")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    required = bound.field.required
    label = format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        field_id,
        " requiredField" if required else "",
        bound.label,
        format_html('<span class="asteriskField">*</span>') if required else "",
    )
    errors = ""
    if bound.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field_id, e) for n, e in enumerate(bound.errors, start=1)),
            ),
        )
    help_text = (
        format_html('<div id="{}_helptext" class="form-text">{}</div>', field_id, bound.help_text)
        if bound.help_text
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        field_id,
        label,
        bound.as_widget(attrs=attrs),
        errors,
        help_text,
    )
