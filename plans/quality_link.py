"""The record-quality checker applied to a plan's text (checking.checker): its free-text fields
under the names the plan form posts (``s__<section>__<field>``, ``s__<section>__<row>__<field>``),
so the live check beside the form and the check stored with each saved draft agree."""

from checking.context import record_check

from .sections import Section


def _label(section: Section, spec, row: int | None) -> str:
    where = section.title if len(section.fields) > 1 or row is not None else ""
    if row is not None:
        where = f"{where}, row {row + 1}"
    return f"{where}: {spec.label}" if where else section.title


def fields_and_labels(sections: list[Section], content: dict, change_summary: str = ""):
    """({form field name: text}, {form field name: heading}) for the text fields of a version."""
    fields, labels = {}, {}
    for section in sections:
        saved = content.get(section.key) or {}
        text_specs = [spec for spec in section.fields if spec.kind == "text"]
        if section.many:
            for i, item in enumerate(saved.get("items") or []):
                for spec in text_specs:
                    name = f"s__{section.key}__{i}__{spec.name}"
                    fields[name] = item.get(spec.name) or ""
                    labels[name] = _label(section, spec, i)
        else:
            for spec in text_specs:
                name = f"s__{section.key}__{spec.name}"
                fields[name] = saved.get(spec.name) or ""
                labels[name] = _label(section, spec, None)
    fields["change_summary"] = change_summary or ""
    labels["change_summary"] = "What changed in this version"
    return fields, labels


def form_text_fields(form) -> tuple[list[str], dict[str, str]]:
    """The live panel's field names and headings for a plan form (its text areas)."""
    from django import forms

    names = [n for n, f in form.fields.items() if isinstance(f.widget, forms.Textarea)]
    labels = {}
    for group in form.groups:
        section = group["section"]
        text = {spec.name for spec in section.fields if spec.kind == "text"}
        for spec in section.fields:
            if spec.name not in text:
                continue
            if "rows" in group:
                for i in range(len(group["rows"])):
                    labels[f"s__{section.key}__{i}__{spec.name}"] = _label(section, spec, i)
            else:
                labels[f"s__{section.key}__{spec.name}"] = _label(section, spec, None)
    labels["change_summary"] = "What changed in this version"
    return names, labels


def check_version(access, version, sections: list[Section]) -> tuple[int, dict]:
    fields, _ = fields_and_labels(sections, version.content or {}, version.change_summary)
    return record_check(access, fields=fields, child=version.child, record_kind="note")
