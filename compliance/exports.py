"""The compliance table as CSV, through the one export layer (tenancy.exports)."""

from tenancy.exports import csv_bytes

HEADER = ["Child", "Key worker", "Rule", "Plan", "Last done", "Due", "Status", "Progress"]


def obligations_csv(site, children, cells_for) -> bytes:
    """The site's red/amber/green table by child as CSV bytes (BOM, cells guarded)."""
    return csv_bytes(
        [site.child_word.capitalize(), *HEADER[1:]],
        (
            [
                child.display_name,
                ob.staff.get_full_name() if ob.staff else "",
                ob.get_rule_display(),
                ob.detail_label,
                ob.last_done_on,
                ob.due_on,
                ob.get_status_display(),
                ob.progress,
            ]
            for child in children
            for ob in child.obligation_list
        ),
    )
