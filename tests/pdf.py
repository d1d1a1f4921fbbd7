"""Reading a PDF's text back in tests, with pypdfium2 (PDFium in a pip wheel, so the test command
needs nothing installed outside pip; it reads kerned text as whole words)."""

import re

import pypdfium2


def pdf_pages(content: bytes) -> list[str]:
    """Each page's text."""
    document = pypdfium2.PdfDocument(content)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def pdf_text(content: bytes) -> str:
    """The whole document's text with runs of white space made single spaces."""
    return re.sub(r"\s+", " ", " ".join(pdf_pages(content))).strip()
