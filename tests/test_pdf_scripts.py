"""Every script in a PDF (issue 16, kind 9): children's own words and family messages in
Bengali, Urdu, Punjabi (Gurmukhi), Chinese, Tamil, Polish and Somali (Latin) and emoji render with
real glyphs. Pango picks a fallback font only when it has the glyph, so each script's text landing
in its Noto font (not DejaVu, which has none of them) proves no .notdef box was drawn; the page is
also saved as a PNG in test-artifacts/ to look at."""

import ctypes
import re
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
from django.template.loader import render_to_string

from sessions_app.exports import render_pdf

SAMPLES = {
    "Bengali": ("আমি আজ ভালো আছি", ("Noto-Sans-Bengali",)),
    "Urdu": ("میں آج ٹھیک ہوں", ("Noto-Naskh-Arabic", "Noto-Sans-Arabic", "DejaVu-Sans")),
    "Punjabi": ("ਮੈਂ ਅੱਜ ਠੀਕ ਹਾਂ", ("Noto-Sans-Gurmukhi",)),
    "Chinese": ("我今天很好", ("Noto-Sans-CJK",)),
    "Tamil": ("நான் இன்று நலமாக இருக்கிறேன்", ("Noto-Sans-Tamil",)),
    "Polish": ("Zażółć gęślą jaźń", ("DejaVu-Sans",)),
    "Somali": ("Waan fiicnahay maanta", ("DejaVu-Sans",)),
    "Emoji": ("😀👍🏽❤️", ("Noto-Color-Emoji",)),
}
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PDF_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _runs(pdf: bytes) -> list[tuple[str, str]]:
    """(font name, text) of every text object on every page."""
    document = pypdfium2.PdfDocument(pdf)
    runs = []
    for page in document:
        textpage = page.get_textpage()
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
            font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
            size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
            name = ctypes.create_string_buffer(size)
            pdfium_c.FPDFFont_GetBaseFontName(font, name, size)
            length = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            text = ctypes.create_string_buffer(length * 2)
            pdfium_c.FPDFTextObj_GetText(
                obj.raw, textpage.raw, ctypes.cast(text, ctypes.POINTER(ctypes.c_ushort)), length
            )
            runs.append(
                (name.value.decode(), text.raw.decode("utf-16-le", "replace").rstrip("\x00"))
            )
    page = document[0]
    ARTIFACTS.mkdir(exist_ok=True)
    page.render(scale=1.5).to_pil().save(ARTIFACTS / "pdf-scripts.png")
    return runs


def test_every_pdf_template_uses_the_font_stack_with_the_fallbacks():
    stack = (PDF_TEMPLATES / "pdf" / "font_family.css").read_text()
    for family in ("Noto Sans Bengali", "Noto Naskh Arabic", "Noto Sans Gurmukhi"):
        assert family in stack
    for family in ("Noto Sans Tamil", "Noto Sans CJK SC"):
        assert family in stack
    # Not named: with the emoji font in the list, Pango drew a lone digit ("Version 1") with it,
    # which printed nothing readable. Emoji reach it through fontconfig's fallback instead.
    assert "Emoji" not in stack
    templates = [
        p
        for p in PDF_TEMPLATES.rglob("*.html")
        if "/pdf/" in p.as_posix() or p.name.endswith("_pdf.html")
    ]
    assert len(templates) >= 4
    for path in templates:
        text = path.read_text()
        families = re.findall(r"font-family:\s*([^;]+);", text)
        for family in families:
            assert "font_family.css" in family, f"{path}: font-family {family} has no fallbacks"


def test_a_line_in_each_script_renders_in_a_font_that_has_its_glyphs():
    stack = render_to_string("pdf/font_family.css")
    html = (
        f"<html><body style='font-family: {stack}; font-size: 14pt'>"
        + "".join(f"<p>{label}: {text}</p>" for label, (text, _) in SAMPLES.items())
        + "</body></html>"
    )
    html = html.replace("</body>", "<table><tr><td>Version</td><td>1</td></tr></table></body>")
    runs = _runs(render_pdf(html))
    assert [font for font, run in runs if run.strip() == "1"] and all(
        "DejaVu-Sans" in font for font, run in runs if run.strip() == "1"
    ), "a lone digit is not drawn in the text font"
    for label, (text, fonts) in SAMPLES.items():
        letters = {c for c in text if not c.isspace() and c not in "\u200d\ufe0f"}
        used = {font for font, run in runs if letters & set(run)}
        assert used, f"{label}: its text is not in the PDF"
        wrong = [f for f in used if not any(ok in f for ok in fonts)]
        assert not wrong, f"{label} drawn with {wrong}: boxes instead of letters"
