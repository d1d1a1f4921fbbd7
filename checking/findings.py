"""How a checker report is laid out for a reader: findings grouped by field with their context.
Shared by the live panel (views), stored checks (selectors, template tags) and other apps' editors,
so it lives below the views."""

from tenancy.text import normalise

from . import checker

FIELD_LABELS = {
    "text": "Record",
    "targets": "Targets",
    "duration": "Session length",
    "standards": "Quality Standards",
}


def _label(name: str, context: checker.Context, labels: dict | None = None) -> str:
    if labels and name in labels:
        return labels[name]
    for spec in checker.specs_for(context):
        if spec.name == name:
            return spec.label
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def rows_for(
    report: checker.Report,
    fields: dict[str, str],
    context: checker.Context,
    labels: dict | None = None,
) -> list[dict]:
    """Findings grouped by field, each with a little of the text either side for display: a list of
    ``{"name", "label", "rows": [{"finding", "before", "after", "cut_before", "cut_after"}]}``
    for the findings partial (the live panel, stored checks, the sessions editor)."""
    groups = []
    for name, findings in report.by_field().items():
        text = normalise(fields.get(name, ""))  # as the checker saw it (idempotent)
        rows = []
        for finding in findings:
            rows.append(
                {
                    "finding": finding,
                    "before": text[max(0, finding.start - 40) : finding.start],
                    "after": text[finding.end : finding.end + 40],
                    "cut_before": finding.start > 40,
                    "cut_after": finding.end + 40 < len(text),
                }
            )
        groups.append({"name": name, "label": _label(name, context, labels), "rows": rows})
    return groups
