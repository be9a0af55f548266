"""A receipt in its three formats: the HTML that feeds the PDF, the PDFs, and COPIA on reprints."""

import contextlib
import re
import uuid
import zlib
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse

from billing.models import ReceiptPrint
from billing.receipts import render_receipt_html, render_receipt_pdf
from billing.services import recharge_issue

FORMATS = ["letter", "80mm", "58mm"]


@pytest.fixture
def receipt(biller, meter, product):
    return recharge_issue(biller=biller, meter=meter, amount=D("1500"), idempotency_key=uuid.uuid4())


@pytest.fixture
def cashier(client, biller):
    client.force_login(biller)
    return client


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated, for searching."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, flags=re.S):
        with contextlib.suppress(zlib.error):  # not every stream is compressed
            parts.append(zlib.decompress(stream))
    return b"\n".join(parts)


def text_of(html: str) -> str:
    """The visible text, tags removed and spaces collapsed."""
    html = re.sub(r"<style.*?</style>|<script.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_holds_everything_the_receipt_must_say(receipt, entity, fmt):
    html = render_receipt_html(receipt, fmt, is_copy=False, for_pdf=True)
    text = text_of(html)
    for expected in [
        entity.name,
        f"NIT {entity.nit}",
        entity.address,
        entity.city,
        entity.phone,
        entity.email,
        entity.web,
        "Comprobante de recarga",
        "1",  # receipt number
        "Usuario Prueba",
        "CC 1234567890",
        receipt.customer_phone,
        receipt.meter_drn,
        "Bruno Facturador",  # seller
        entity.sponsor,
        "Pago al contado",
        "Energía Eléctrica Kilo watt hora (KWH)",
        receipt.code_groups,
        "3,0",  # kWh
        "$ 500",  # unit price
        "IVA (19 %): $ 239",
        "Subtotal: $ 1.261",
        "Total: $ 1.500",
        "Recuerde ingresar la clave en su respectivo medidor",
    ]:
        assert expected in text, expected
    assert "COPIA" not in text
    assert "Imprimir" not in text  # no print button in the PDF


@pytest.mark.parametrize(
    ("fmt", "page", "width"),
    [
        ("letter", "size: letter", "width: 185.9mm"),
        ("80mm", "size: 80mm", "width: 72mm"),
        ("58mm", "size: 58mm", "width: 48mm"),
    ],
)
def test_each_format_has_its_own_page_size_and_printable_width(cashier, receipt, fmt, page, width):
    from django.contrib.staticfiles import finders

    html = cashier.get(reverse("billing:receipt", args=[receipt.pk, fmt])).content.decode()
    assert f'href="/static/css/receipt-{fmt}.css"' in html
    paper = Path(finders.find(f"css/receipt-{fmt}.css")).read_text()
    assert page in paper and width in paper
    assert 'id="print"' in html and 'src="/static/js/receipt.js"' in html  # the page prints itself
    assert "<style" not in html and "style=" not in html and "<script>" not in html  # nothing inline
    pdf_html = render_receipt_html(receipt, fmt, is_copy=False, for_pdf=True)
    assert "<script" not in pdf_html and 'id="print"' not in pdf_html
    assert f"receipt-{fmt}.css" in pdf_html and 'href="file://' in pdf_html


def test_the_dates_issued_and_printed_are_shown_in_bogota_time(receipt):
    from datetime import UTC, datetime

    html = render_receipt_html(receipt, "letter", is_copy=False, printed_at=datetime(2026, 11, 26, 17, 30, tzinfo=UTC))
    assert "2026-11-26 12:30:00" in html  # printed, UTC-5
    from django.utils import timezone

    assert timezone.localtime(receipt.issued_at).strftime("%Y-%m-%d %H:%M:%S") in html


def test_the_entity_logo_is_in_the_header(receipt, entity, tmp_path, settings):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
    )
    entity.logo.save("logo.png", ContentFile(png))
    receipt.entity.refresh_from_db()
    html = render_receipt_html(receipt, "letter", is_copy=False)
    assert f'src="{entity.logo.url}"' in html
    pdf_html = render_receipt_html(receipt, "letter", is_copy=False, for_pdf=True)
    assert 'src="file://' in pdf_html
    assert render_receipt_pdf(pdf_html, "letter").startswith(b"%PDF")


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_downloads_as_a_pdf(cashier, receipt, fmt):
    response = cashier.get(reverse("billing:receipt_pdf", args=[receipt.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"comprobante-1-{fmt}.pdf" in response["Content-Disposition"]


def test_a_roll_pdf_page_is_as_tall_as_the_receipt(receipt):
    for fmt, width in (("80mm", 80), ("58mm", 58)):
        pdf = render_receipt_pdf(render_receipt_html(receipt, fmt, is_copy=False, for_pdf=True), fmt)
        boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf_objects(pdf))
        assert len(boxes) == 1  # one page
        width_mm, height_mm = (float(v) * 25.4 / 72 for v in boxes[0])
        assert round(width_mm) == width
        assert 60 < height_mm < 250  # not the template's 297 mm: the content's height


def test_an_unknown_format_is_not_found(cashier, receipt):
    assert cashier.get(reverse("billing:receipt", args=[receipt.pk, "a4"])).status_code == 404
    assert cashier.get(reverse("billing:receipt_pdf", args=[receipt.pk, "a4"])).status_code == 404
    assert cashier.post(reverse("billing:receipt_print", args=[receipt.pk, "a4"])).status_code == 404
    assert ReceiptPrint.objects.count() == 0
