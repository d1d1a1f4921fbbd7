"""Small server-drawn SVG charts from data the page already has (no script, no CDN).

Each chart comes with a table of the same numbers on the page, so colour is never the only signal."""

from .models import Kind
from .words import for_sites

COLOURS = {
    Kind.LOW: "#d97706",
    Kind.HIGH: "#b02a37",
    Kind.GREEN: "#198754",
    Kind.GROWTH: "#0d6efd",
}
PATTERNS = {Kind.LOW: "", Kind.HIGH: "url(#kw-hatch)", Kind.GREEN: "", Kind.GROWTH: ""}
WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 220, 32, 36, 10


def weekly_slips(by_week: list[dict], words=None) -> dict:
    """Stacked bars: slips per week by kind, in the site's words (``words``: behaviour.words).
    ``empty`` when the period has none (none recorded, or the only one retracted): the page says
    ``empty_message`` instead of drawing an axis with nothing on it."""
    words = words or for_sites([])
    labels = words.kind_labels
    n = max(1, len(by_week))
    top = max([r["total"] for r in by_week] + [1])
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    step = (WIDTH - PAD_LEFT) / n
    bar_w = max(4.0, step * 0.7)
    bars = []
    for i, row in enumerate(by_week):
        x = PAD_LEFT + i * step + (step - bar_w) / 2
        y = HEIGHT - PAD_BOTTOM
        segments = []
        for kind in Kind.values:
            label = labels[kind]
            count = row["counts"].get(kind, 0)
            if not count:
                continue
            h = plot_h * count / top
            y -= h
            segments.append(
                {
                    "y": round(y, 1),
                    "h": round(h, 1),
                    "colour": COLOURS[kind],
                    "label": label,
                    "count": count,
                    "hatch": kind == Kind.HIGH,
                }
            )
        bars.append(
            {
                "x": round(x, 1),
                "w": round(bar_w, 1),
                "segments": segments,
                "label": row["week"].strftime("%-d %b"),
                "total": row["total"],
                "top": round(y, 1),
                "label_x": round(x + bar_w / 2, 1),
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "top": top,
        "base_y": HEIGHT - PAD_BOTTOM,
        "label_y": HEIGHT - PAD_BOTTOM + 16,
        "pad_left": PAD_LEFT,
        "top_y": PAD_TOP,
        "legend": [(labels[k], COLOURS[k], k == Kind.HIGH) for k in Kind.values],
        "empty": not any(r["total"] for r in by_week),
        "empty_message": f"No {words.records} in this period.",
        "title": f"{words.records.capitalize()} per week by type",
    }


def weekly_points(points_weeks: list[dict], key: str = "per_pupil") -> dict:
    """Bars of points per week with the target as a line; ``empty`` when no points were
    recorded in the period."""
    n = max(1, len(points_weeks))
    target = points_weeks[0]["target"] if points_weeks else 100
    top = max([r[key] for r in points_weeks] + [target, 1]) * 1.1
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    step = (WIDTH - PAD_LEFT) / n
    bar_w = max(4.0, step * 0.7)
    bars = []
    for i, row in enumerate(points_weeks):
        h = plot_h * row[key] / top
        x = PAD_LEFT + i * step + (step - bar_w) / 2
        bars.append(
            {
                "x": round(x, 1),
                "w": round(bar_w, 1),
                "y": round(HEIGHT - PAD_BOTTOM - h, 1),
                "h": round(h, 1),
                "met": row[key] >= target if not row.get("partial") else None,
                "partial": row.get("partial", False),
                "value": row[key],
                "label": row["week"].strftime("%-d %b") + (" (part)" if row.get("partial") else ""),
                "label_x": round(x + bar_w / 2, 1),
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "base_y": HEIGHT - PAD_BOTTOM,
        "label_y": HEIGHT - PAD_BOTTOM + 16,
        "pad_left": PAD_LEFT,
        "target_y": round(HEIGHT - PAD_BOTTOM - plot_h * target / top, 1),
        "target": target,
        "empty": not any(r[key] for r in points_weeks),
        "empty_message": "No class points in this period.",
    }
