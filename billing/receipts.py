"""A receipt in its three print formats: the HTML page, and the same HTML as a PDF.

Each format is its own template (`billing/receipt_<format>.html`) with its own `@page` size.
The PDF is WeasyPrint's rendering of exactly the HTML the browser gets, minus the print
button; the thermal-roll formats get a page as tall as their content, so a roll printer does
not feed blank paper.
"""

from datetime import datetime
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone

from billing.models import Receipt, ReceiptPrint

FORMATS = {
    ReceiptPrint.Format.LETTER: "billing/receipt_letter.html",
    ReceiptPrint.Format.MM80: "billing/receipt_80mm.html",
    ReceiptPrint.Format.MM58: "billing/receipt_58mm.html",
}
# Roll formats: paper width and the margin around the content (mm).
ROLLS = {ReceiptPrint.Format.MM80: (80, 4), ReceiptPrint.Format.MM58: (58, 5)}
_PX_PER_MM = 96 / 25.4


def _static(path: str, for_pdf: bool) -> str:
    """A static file's URL for the browser, or its file URI for WeasyPrint (which fetches
    nothing over the network)."""
    if for_pdf:
        return Path(finders.find(path)).as_uri()
    return static(path)


def render_receipt_html(
    receipt: Receipt,
    format: str,
    *,
    is_copy: bool,
    printed_at: datetime | None = None,
    for_pdf: bool = False,
    print_url: str = "",
    csrf: str = "",
) -> str:
    """The HTML of `receipt` in `format` ("letter", "80mm" or "58mm").

    With `print_url` (the browser page), the page's script records each print there first and
    shows COPIA as the server answers; `is_copy` is then the state of the next paper.
    """
    entity = receipt.entity
    logo_src = ""
    if entity.logo:
        logo_src = Path(entity.logo.path).as_uri() if for_pdf else entity.logo.url
    context = {
        "receipt": receipt,
        "entity": entity,
        "logo_src": logo_src,
        "is_copy": is_copy,
        "printed_at": printed_at or timezone.now(),
        "for_pdf": for_pdf,
        "format": format,
        "css": {"common": _static("css/receipt.css", for_pdf), "paper": _static(f"css/receipt-{format}.css", for_pdf)},
        "print_url": "" if for_pdf else print_url,
        "csrf": csrf,
        "script_src": static("js/receipt.js") if print_url and not for_pdf else "",
    }
    return render_to_string(FORMATS[format], context)


def render_receipt_pdf(html: str, format: str) -> bytes:
    return layout_receipt_pdf(html, format).write_pdf()


def layout_receipt_pdf(html: str, format: str):
    """The laid-out WeasyPrint document of a receipt's PDF (its boxes can be measured)."""
    from weasyprint import CSS  # imported here: it is slow to import and only PDFs need it

    from billing.pdf import LocalFilesFetcher, html_document

    document = html_document(html).render()
    if format not in ROLLS:
        return document
    # A roll has no page height: lay the receipt out once on a tall page, measure it, then
    # lay it out again on a page exactly that tall.
    width, margin = ROLLS[format]
    height = _content_height_mm(document) + 2 * margin + 2
    # A user stylesheet: only !important overrides the template's own @page rule.
    fit = CSS(
        string=f"@page {{ size: {width}mm {height:.1f}mm !important; margin: {margin}mm !important; }}",
        url_fetcher=LocalFilesFetcher(),
    )
    return html_document(html).render(stylesheets=[fit])


def _content_height_mm(document) -> float:
    """The height of the laid-out content of the first page, in millimetres."""
    page = document.pages[0]
    try:
        root = page._page_box.children[0]  # the <html> box
        return root.margin_height() / _PX_PER_MM
    except (AttributeError, IndexError):  # WeasyPrint internals changed: keep the template's size
        return page.height / _PX_PER_MM - 10
