"""PDFs of key-work sessions, laid out like the worked example in the children's-home guide.

WeasyPrint may fetch nothing but the project's own static files: no network, no other files.
"""

import threading
from pathlib import Path
from urllib.parse import unquote, urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .since_last import summary_rows


def _static_roots() -> list[Path]:
    return [Path(p).resolve() for p in settings.STATICFILES_DIRS]


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        """Serves ``file://`` URLs inside the project's static folders; refuses everything else."""

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if url.startswith("data:image/png;base64,"):  # a chart drawn here (evidence.charts)
                return super().fetch(url, headers)
            if parsed.scheme != "file":
                raise ValueError(f"PDFs may not fetch {url}")
            path = Path(unquote(parsed.path)).resolve()
            if not any(path.is_relative_to(root) for root in _static_roots()):
                raise ValueError(f"PDFs may only use the project's static files, not {path}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher


_fonts = threading.local()


def font_config():
    """One WeasyPrint font configuration per thread, kept: building one per PDF (fontconfig's set
    up) was about half of a one-session PDF's time (see the README's benchmarks)."""
    if not hasattr(_fonts, "config"):
        from weasyprint.text.fonts import FontConfiguration

        _fonts.config = FontConfiguration()
    return _fonts.config


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    base = _static_roots()[0].as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=_fetcher_class()()).write_pdf(
        font_config=font_config()
    )


def _loaded(session, attribute: str, relation: str) -> list:
    """What the selector loaded already (``session_record``) or the prefetched relation."""
    if hasattr(session, attribute):
        return getattr(session, attribute)
    return list(getattr(session, relation).all())


def session_context(session, *, organisation) -> dict:
    """Everything one session's page of the PDF shows (``session`` comes from
    ``selectors.session_record`` or ``selectors.bundle_sessions``)."""
    child = session.child
    return {
        "s": session,
        "child": child,
        "site": child.site,
        "organisation": organisation,
        "is_school": child.site.is_school,
        "topics": _loaded(session, "topic_list", "topics"),
        "targets": _loaded(session, "targets_set", "targets"),
        "reviews": _loaded(session, "review_list", "reviews"),
        "attachments": _loaded(session, "attachment_list", "attachments"),
        "since_last_rows": summary_rows(session.since_last),
    }


def session_pdf(session, *, organisation) -> bytes:
    """One record's PDF; its times (when printed, when an action closed) on the site's clocks."""
    with timezone.override(ZoneInfo(session.child.site.time_zone)):
        html = render_to_string(
            "sessions_app/pdf/session.html",
            {
                "sessions": [session_context(session, organisation=organisation)],
                "title": session.display_title,
                "generated_at": timezone.now(),
            },
        )
    return render_pdf(html)


def bundle_pdf(*, child, organisation, sessions, start, end, targets, progress=None) -> bytes:
    """A child's sessions over a range. ``progress(done, total)`` is called as pages are laid out."""
    contexts = []
    for n, session in enumerate(sessions, start=1):
        session.child = child
        contexts.append(session_context(session, organisation=organisation))
        if progress:
            progress(n, len(sessions))
    with timezone.override(ZoneInfo(child.site.time_zone)):
        html = _bundle_html(child, organisation, contexts, start, end, targets)
    return render_pdf(html)


def _bundle_html(child, organisation, contexts, start, end, targets) -> str:
    return render_to_string(
        "sessions_app/pdf/session.html",
        {
            "sessions": contexts,
            "bundle": True,
            "child": child,
            "organisation": organisation,
            "start": start,
            "end": end,
            "targets": targets,
            "title": f"Key-work sessions – {child.display_name}",
            "generated_at": timezone.now(),
        },
    )
