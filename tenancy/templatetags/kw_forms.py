"""``{{ form.field|as_field }}``: crispy-forms' Bootstrap 5 markup for one field (label, control,
errors, help text), written in Python for the filter bars at the top of list pages. Crispy renders
the same through a dozen nested templates: about 1 ms a field, a third of the children list's
time (see the README's benchmarks). Checkboxes and radio lists still go through crispy."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

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
        mark_safe('<span class="asteriskField">*</span>') if required else "",
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
        _select(bound, attrs) if isinstance(widget, forms.Select) else bound.as_widget(attrs=attrs),
        errors,
        help_text,
    )


def _attrs(attrs: dict) -> str:
    """Django's ``attrs.html``: `` name="value"`` for each, `` name`` for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _select(bound, attrs: dict) -> str:
    """A ``<select>`` as Django's ``select.html`` writes it (same attributes, same options, same
    ``selected`` rule: only the first match unless the widget allows several), built in Python.
    The template engine took ~25 µs an option, and a filter bar lists every child and member of
    staff of a site: the choices are iterated once here (a ModelChoiceField's query runs as
    before). Shape: ``bound`` a BoundField whose widget is a ``forms.Select`` (or subclass),
    ``attrs`` the extra attributes ``as_widget`` would take; returns safe HTML."""
    widget = bound.field.widget
    attrs = bound.build_widget_attrs(attrs, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    final = widget.build_attrs(widget.attrs, attrs)
    if widget.allow_multiple_selected:
        final["multiple"] = True
    values = widget.format_value(bound.value())
    several = widget.allow_multiple_selected
    parts = [f'<select name="{conditional_escape(bound.html_name)}"{_attrs(final)}>']
    chosen = False
    for value, label in widget.choices:
        if value is None:
            value = ""
        group = isinstance(label, (list, tuple))
        if group:
            parts.append(f'\n  <optgroup label="{conditional_escape(value)}">')
        for sub_value, sub_label in label if group else ((value, label),):
            selected = (not chosen or several) and str(sub_value) in values
            chosen |= selected
            parts.append(
                f'\n  <option value="{conditional_escape(sub_value)}"'
                f"{' selected' if selected else ''}>{conditional_escape(sub_label)}</option>"
            )
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))
