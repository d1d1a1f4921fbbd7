"""PDFs of plan versions (WeasyPrint). The fetcher reads only the project's own static files: a plan
never makes the server fetch anything from the network or the wider file system."""

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .models import PlanType
from .sections import outcomes


def static_path(url: str) -> Path:
    """The file in the project's static folders that ``url`` names (``/static/...`` or a ``file:``
    URI inside a static folder); ``ValueError`` for anything else."""
    prefix = settings.STATIC_URL
    path = None
    if url.startswith(prefix):
        path = url[len(prefix) :]
    elif url.startswith("file://"):
        local = str(Path(url[len("file://") :].split("?")[0]).resolve())
        for root in [*settings.STATICFILES_DIRS, settings.STATIC_ROOT]:
            root = str(Path(root).resolve())
            if local.startswith(root + "/"):
                path = local[len(root) + 1 :]
                break
    found = finders.find(path) if path and ".." not in path.split("/") else None
    if not found:
        raise ValueError(f"PDFs may only use the project's static files, not {url!r}")
    return Path(found).resolve()


def static_only_fetcher():
    """A WeasyPrint fetcher that opens nothing but the project's static files: no network, no
    other file on the server."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            return super().fetch(static_path(url).as_uri(), headers)

    return StaticOnlyFetcher(allowed_protocols={"file"}, allow_redirects=False)


def render_pdf(html: str):
    from weasyprint import HTML

    base = (Path(settings.STATICFILES_DIRS[0]).resolve()).as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=static_only_fetcher()).render()


def plan_version_pdf(
    *, version, sections, child, generated_by, today, outcome_labels=None
) -> bytes:
    """The PDF of one version; the pupil on a page is laid out to fit one A4 page."""
    template = (
        "plans/pdf/pupil_on_a_page.html"
        if version.plan.plan_type == PlanType.PUPIL_ON_A_PAGE
        else "plans/pdf/plan.html"
    )
    html = render_to_string(
        template,
        {
            "version": version,
            "plan": version.plan,
            "child": child,
            "blocks": content_blocks(version, sections, outcome_labels),
            "generated_by": generated_by,
            "today": today,
        },
    )
    return render_pdf(html).write_pdf()


def _display(spec, value, outcome_labels: dict) -> str:
    if not value or spec is None:
        return value
    if spec.kind == "date":
        try:
            return datetime.date.fromisoformat(value).strftime("%-d %B %Y")
        except ValueError:
            return value
    if spec.kind == "choice":
        return dict(spec.choices).get(value, value)
    if spec.kind == "outcome":
        return outcome_labels.get(value, "an outcome no longer in the EHCP")
    return value


def content_blocks(version, sections, outcome_labels: dict | None = None) -> list[dict]:
    """The version's content in section order, with labels and readable values: for pages and PDFs
    alike. Sections the organisation has since retired still show, under the title they had."""
    content = version.content or {}
    if outcome_labels is None:
        outcome_labels = {o.get("ref"): o.get("outcome", "") for o in outcomes(content)}
    known = {s.key: s for s in sections}
    order = [s.key for s in sections] + [k for k in content if k not in known]
    blocks = []
    for key in order:
        data = content.get(key)
        if data is None:
            continue
        section = known.get(key)
        specs = {f.name: f for f in section.fields} if section else {}
        title = data.get("title") or (section.title if section else key)
        if "items" in data:
            items = [
                [
                    (specs[k].label if k in specs else k, _display(specs.get(k), v, outcome_labels))
                    for k, v in item.items()
                    if k != "ref" and v
                ]
                for item in data["items"]
            ]
            blocks.append({"key": key, "title": title, "items": items, "many": True})
        elif section:
            fields = [
                (
                    f.label if len(section.fields) > 1 else "",
                    _display(f, data.get(f.name, ""), outcome_labels),
                )
                for f in section.fields
            ]
            blocks.append({"key": key, "title": title, "fields": fields, "many": False})
        else:
            fields = [("", v) for k, v in data.items() if k != "title"]
            blocks.append({"key": key, "title": title, "fields": fields, "many": False})
    return blocks
