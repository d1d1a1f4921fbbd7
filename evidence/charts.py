"""The story's trend charts as PNG images, one picture for the PDF and the Word file alike.

The bars are laid out by the charting the product already has (``behaviour.charts``: the slips
per week by kind, the geometry of the child's behaviour page); this module only paints that
geometry with Pillow, since a Word document cannot hold SVG. The numbers under each chart are the
same figures, so colour is never the only signal.

Shapes: ``slips_png(by_week, words) -> bytes``, ``attendance_png(weeks) -> bytes`` (PNG, 2× scale)."""

import io
import math

from PIL import Image, ImageDraw, ImageFont

from behaviour import charts as behaviour_charts

SCALE = 2
FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf")
GREEN, RED, GREY, INK = "#198754", "#b02a37", "#6c757d", "#212529"


def _font(size: int):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size * SCALE)
        except OSError:
            continue
    return ImageFont.load_default(size=size * SCALE)


def _label_every(n: int) -> int:
    """Label every k-th week so at most 13 labels share the axis."""
    return max(1, math.ceil(n / 13))


def _paint(
    geometry: dict,
    *,
    title: str,
    y_max_label: str,
    legend: list[tuple[str, str]],
    empty: str = "",
) -> bytes:
    """``empty``: said in the plot's place when there is nothing to draw (no slips in the period),
    as the pages' charts do."""
    width, height = geometry["width"], geometry["height"] + 34
    image = Image.new("RGB", (width * SCALE, height * SCALE), "white")
    draw = ImageDraw.Draw(image)
    small, tiny = _font(10), _font(8)

    def s(*values):
        return [v * SCALE for v in values]

    top_pad = 24  # room for the title and legend above the plot
    draw.text(s(2, 2), title, fill=INK, font=small)
    if empty:
        draw.text(s(geometry["pad_left"], top_pad + 20), empty, fill=INK, font=small)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    x = geometry["pad_left"]
    for label, colour in legend:
        draw.rectangle(s(x, 16, x + 8, 24), fill=colour)
        draw.text(s(x + 11, 15), label, fill=INK, font=tiny)
        x += 16 + draw.textlength(label, font=tiny) / SCALE
    base = geometry["base_y"] + top_pad
    draw.line(s(geometry["pad_left"] - 2, base, width, base), fill=GREY, width=SCALE)
    draw.text(s(0, geometry["top_y"] + top_pad - 5), y_max_label, fill=GREY, font=tiny)
    draw.text(s(10, base - 10), "0", fill=GREY, font=tiny)
    every = _label_every(len(geometry["bars"]))
    for i, bar in enumerate(geometry["bars"]):
        for seg in bar["segments"]:
            y = seg["y"] + top_pad
            if seg["h"] > 0:
                draw.rectangle(
                    s(bar["x"], y, bar["x"] + bar["w"], y + seg["h"]), fill=seg["colour"]
                )
        if i % every == 0:
            label = bar["label"]
            w = draw.textlength(label, font=tiny) / SCALE
            draw.text(s(bar["label_x"] - w / 2, base + 4), label, fill=INK, font=tiny)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def slips_png(by_week: list[dict], words=None) -> bytes:
    """Slips per week, stacked by kind (``behaviour.selectors.analysis(...).by_week``: dicts with
    ``week``, ``counts`` by kind and ``total``), as on the child's behaviour page, in the site's
    words (``words``: behaviour.words); with none in the period, says so."""
    geometry = behaviour_charts.weekly_slips(by_week, words)
    legend = [(label, colour) for label, colour, _hatch in geometry["legend"]]
    return _paint(
        geometry,
        title=geometry["title"],
        y_max_label=str(geometry["top"]),
        legend=legend,
        empty=geometry["empty_message"] if geometry["empty"] else "",
    )


def attendance_png(weeks: list) -> bytes:
    """Attendance % per week (objects with ``start`` and ``attendance``: a percentage, or None
    for a week with no possible session), green from 90% (below is persistent absence), red
    below; the same layout as the slips chart."""
    width, height = behaviour_charts.WIDTH, behaviour_charts.HEIGHT
    pad_left, pad_bottom, pad_top = (
        behaviour_charts.PAD_LEFT,
        behaviour_charts.PAD_BOTTOM,
        behaviour_charts.PAD_TOP,
    )
    n = max(1, len(weeks))
    plot_h = height - pad_bottom - pad_top
    step = (width - pad_left) / n
    bar_w = max(4.0, step * 0.7)
    bars = []
    for i, week in enumerate(weeks):
        x = pad_left + i * step + (step - bar_w) / 2
        pct = week.attendance
        h = 0 if pct is None else plot_h * pct / 100
        bars.append(
            {
                "x": round(x, 1),
                "w": round(bar_w, 1),
                "segments": [
                    {
                        "y": round(height - pad_bottom - h, 1),
                        "h": round(h, 1),
                        "colour": GREEN if pct is not None and pct >= 90 else RED,
                    }
                ],
                "label": week.start.strftime("%-d %b"),
                "label_x": round(x + bar_w / 2, 1),
            }
        )
    geometry = {
        "width": width,
        "height": height,
        "bars": bars,
        "base_y": height - pad_bottom,
        "pad_left": pad_left,
        "top_y": pad_top,
    }
    return _paint(
        geometry,
        title="Attendance per week",
        y_max_label="100%",
        legend=[("90% or more", GREEN), ("Below 90% (persistent absence)", RED)],
    )


def what_works_png(geometry: dict, *, title: str) -> bytes:
    """What works' chart (``selectors.chart``'s geometry, as the page's SVG draws it) as a PNG for
    a report: per kind a grey *before* and a blue *after* bar with each mean's 95% whisker, the
    label wrapped on two lines as on the page."""
    from .templatetags.evidence_tags import svg_lines

    width, height = geometry["width"], geometry["height"]
    image = Image.new("RGB", (width * SCALE, height * SCALE), "white")
    draw = ImageDraw.Draw(image)
    small, tiny = _font(11), _font(9)

    def s(*values):
        return [v * SCALE for v in values]

    draw.text(s(geometry["label_x"], 3), title, fill=INK, font=small)
    for x, colour, label in ((width - 150, "#adb5bd", "before"), (width - 90, "#0d6efd", "after")):
        draw.rectangle(s(x, 5, x + 10, 15), fill=colour)
        draw.text(s(x + 14, 4), label, fill=INK, font=tiny)
    if geometry["empty"]:
        draw.text(
            s(geometry["label_x"], 34),
            "No kind of intervention has enough children for a figure.",
            fill=GREY,
            font=small,
        )
    draw.line(s(geometry["x0"], 20, geometry["x0"], height - 10), fill=GREY, width=SCALE)
    for row in geometry["rows"]:
        for i, line in enumerate(svg_lines(row["label"], 38)):
            draw.text(s(geometry["label_x"], row["y"] - 9 + 11 * i), line, fill=INK, font=tiny)
        for bar in row["bars"]:
            colour = "#adb5bd" if bar["name"] == "before" else "#0d6efd"
            if bar["w"] > 0:
                draw.rectangle(
                    s(bar["x0"], bar["y"], bar["x0"] + bar["w"], bar["y"] + bar["h"]), fill=colour
                )
            draw.line(s(bar["lo"], bar["mid"], bar["hi"], bar["mid"]), fill=INK, width=SCALE)
            for x in (bar["lo"], bar["hi"]):
                draw.line(s(x, bar["y"], x, bar["y"] + bar["h"]), fill=INK, width=SCALE)
            draw.text(
                s(bar["tx"], bar["mid"] - 6), f"{bar['name']} {bar['value']}", fill=INK, font=tiny
            )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
