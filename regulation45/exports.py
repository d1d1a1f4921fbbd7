"""The review pack as a PDF through the one WeasyPrint layer and font stack
(``sessions_app.exports.render_pdf``), from ``selectors.pack``'s dict only: the same figures as
the page."""

from django.template.loader import render_to_string

from sessions_app.exports import render_pdf


def pack_pdf(*, review, data: dict, organisation, generated) -> bytes:
    """The pack of ``review`` (``data``: ``selectors.pack(review)``) as PDF bytes."""
    html = render_to_string(
        "regulation45/pack_pdf.html",
        {"review": review, "data": data, "organisation": organisation, "generated": generated},
    )
    return render_pdf(html)
