import csv
import io

from tenancy.exports import csv_safe


def obligations_csv(site, children, cells_for) -> str:
    """The site's red/amber/green table by child as CSV (from the selector's rows)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Child", "Key worker", "Rule", "Plan", "Last done", "Due", "Status", "Progress"]
    )
    for child in children:
        for ob in child.obligation_list:
            writer.writerow(
                [
                    csv_safe(child.display_name),
                    csv_safe(ob.staff.get_full_name()) if ob.staff else "",
                    ob.get_rule_display(),
                    ob.detail_label,
                    ob.last_done_on.isoformat() if ob.last_done_on else "",
                    ob.due_on.isoformat() if ob.due_on else "",
                    ob.get_status_display(),
                    csv_safe(ob.progress),
                ]
            )
    return out.getvalue()
