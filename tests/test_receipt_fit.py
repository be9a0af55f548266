"""Every field of a receipt fits its paper, in the PDF: measured on WeasyPrint's laid-out boxes.

The 80 mm roll prints 72 mm, the 58 mm roll 48 mm, the letter sheet 185.9 mm (15 mm margins).
The receipt carries the longest realistic values (tests/receipt_samples.py). The browser's print
of the same pages is measured in tests/test_browser_receipts.py.
"""

import pytest
from weasyprint.formatting_structure import boxes

from billing.receipts import layout_receipt_pdf, render_receipt_html
from tests.receipt_samples import LONG, long_receipt

PX_PER_MM = 96 / 25.4
PRINTABLE_MM = {"letter": 185.9, "80mm": 72, "58mm": 48}


def overflows(document) -> list[str]:
    """Every box that reaches outside its page's printable area, with how far (mm)."""
    found = []
    for page in document.pages:
        root = page._page_box
        left = root.content_box_x()
        right = left + root.width
        for box in root.descendants():
            if isinstance(box, boxes.MarginBox | boxes.PageBox) or box.width is None:
                continue
            x = box.border_box_x()
            end = x + box.border_width()
            if x < left - 0.5 or end > right + 0.5:  # half a CSS pixel of rounding
                text = getattr(box, "text", "") or type(box).__name__
                found.append(f"{text[:40]!r}: {(end - right) / PX_PER_MM:+.1f} mm")
    return found


@pytest.fixture
def receipt(db):
    return long_receipt()


@pytest.mark.parametrize("fmt", ["58mm", "80mm", "letter"])
def test_the_longest_receipt_fits_the_printable_width_of_its_pdf(receipt, fmt):
    html = render_receipt_html(receipt, fmt, is_copy=True, for_pdf=True)
    document = layout_receipt_pdf(html, fmt)
    page = document.pages[0]._page_box
    assert round(page.width / PX_PER_MM, 1) == PRINTABLE_MM[fmt]
    assert overflows(document) == []
    # Nothing was left out to make it fit: every long value is on the paper, whole.
    text = " ".join(b.text for p in document.pages for b in p._page_box.descendants() if isinstance(b, boxes.TextBox))
    squeezed = "".join(text.split())
    for value in [*LONG.values(), "SETP9999999", "$ 99.999.999", "COPIA", "Pago al contado", "18764003520321"]:
        assert "".join(value.split()) in squeezed, value


def test_the_measure_finds_a_receipt_that_does_not_fit(receipt):
    """The measure itself can fail: the same receipt forced into 30 mm overflows."""
    from weasyprint import CSS, HTML

    html = render_receipt_html(receipt, "58mm", is_copy=True, for_pdf=True)
    narrow = CSS(string="@page { size: 40mm 400mm !important; margin: 5mm !important; }")
    assert overflows(HTML(string=html).render(stylesheets=[narrow])) != []
