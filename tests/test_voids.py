"""Voided receipts: an administrator voids with a reason, a biller only asks; the receipt keeps
its number and shows ANULADO; every report lists it apart and leaves it out of the totals."""

import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from aom.models import AuditEvent
from billing.models import Receipt, ReceiptVoid
from billing.receipts import render_receipt_html
from tests.report_receipts import bogota, make_receipt

DAY = {"start": "2026-03-10", "end": "2026-03-10"}


@pytest.fixture
def day(biller, meter):
    kept = make_receipt(biller, meter, bogota(2026, 3, 10, 9, 0), total="1000", kwh="2.0")
    wrong = make_receipt(biller, meter, bogota(2026, 3, 10, 10, 0), total="2500", kwh="5.0")
    return kept, wrong


def void(client, receipt, reason="El cajero digitó mal el valor"):
    return client.post(reverse("billing:void", args=[receipt.pk]), {"reason": reason})


def test_an_administrator_voids_a_receipt_with_a_reason(client, admin, day):
    _, wrong = day
    client.force_login(admin)
    page = client.get(reverse("billing:void", args=[wrong.pk])).content.decode()
    assert "Un código que ya se ingresó en el medidor no se puede reversar." in page
    response = void(client, wrong)
    assert response.status_code == 302
    v = ReceiptVoid.objects.get(receipt=wrong)
    assert (v.status, v.decided_by, v.reason) == ("granted", admin, "El cajero digitó mal el valor")
    wrong = Receipt.objects.get(pk=wrong.pk)
    assert wrong.is_voided and wrong.number == day[1].number and wrong.total == Decimal("2500")
    event = AuditEvent.objects.get(action="receipt_voided")
    assert (event.actor, event.target_id) == (admin, str(wrong.pk))


def test_a_voided_receipt_shows_anulado_on_every_later_opening(client, admin, day):
    _, wrong = day
    client.force_login(admin)
    void(client, wrong)
    assert "ANULADO" in client.get(reverse("billing:done", args=[wrong.pk])).content.decode()
    for fmt in ("letter", "80mm", "58mm"):
        html = client.get(reverse("billing:receipt", args=[wrong.pk, fmt])).content.decode()
        assert "ANULADO" in html and wrong.full_number in html
        assert "ANULADO" in render_receipt_html(Receipt.objects.get(pk=wrong.pk), fmt, is_copy=True, for_pdf=True)
    pdf = client.get(reverse("billing:receipt_pdf", args=[wrong.pk, "58mm"]))
    assert pdf.content.startswith(b"%PDF")
    assert "ANULADO" not in client.get(reverse("billing:receipt", args=[day[0].pk, "letter"])).content.decode()


def test_a_biller_asks_and_only_an_administrator_grants(client, admin, biller, day):
    _, wrong = day
    client.force_login(biller)
    page = client.get(reverse("billing:void", args=[wrong.pk])).content.decode()
    assert "Solicitar anulación" in page
    assert void(client, wrong).status_code == 302
    v = ReceiptVoid.objects.get(receipt=wrong)
    assert v.status == "requested" and not Receipt.objects.get(pk=wrong.pk).is_voided
    # The biller can neither see the requests nor decide one.
    assert client.get(reverse("billing:void_requests")).status_code == 403
    assert client.post(reverse("billing:void_decide", args=[v.pk]), {"decision": "grant"}).status_code == 403
    assert ReceiptVoid.objects.get(pk=v.pk).status == "requested"
    # Asking twice is refused.
    again = void(client, wrong)
    assert again.status_code == 400 and "ya fue solicitada" in again.content.decode()

    client.force_login(admin)
    assert wrong.full_number in client.get(reverse("billing:void_requests")).content.decode()
    client.post(reverse("billing:void_decide", args=[v.pk]), {"decision": "grant"})
    assert Receipt.objects.get(pk=wrong.pk).is_voided
    assert list(AuditEvent.objects.filter(target_id=str(wrong.pk)).values_list("action", flat=True)) == [
        "receipt_voided",
        "void_requested",
    ]


def test_an_administrator_may_refuse_a_request(client, admin, biller, day):
    _, wrong = day
    client.force_login(biller)
    void(client, wrong)
    v = ReceiptVoid.objects.get(receipt=wrong)
    client.force_login(admin)
    client.post(reverse("billing:void_decide", args=[v.pk]), {"decision": "refuse"})
    assert ReceiptVoid.objects.get(pk=v.pk).status == "refused"
    assert not Receipt.objects.get(pk=wrong.pk).is_voided
    # A decision that is neither changes nothing.
    client.force_login(biller)
    void(client, wrong)
    client.force_login(admin)
    client.post(reverse("billing:void_decide", args=[v.pk]), {"decision": "maybe"})
    assert ReceiptVoid.objects.get(pk=v.pk).status == "requested"


@pytest.mark.parametrize("reason", ["", "   ", "no"])
def test_a_void_without_a_reason_is_refused_and_changes_nothing(client, admin, day, reason):
    client.force_login(admin)
    response = void(client, day[1], reason)
    assert response.status_code == 400
    assert not ReceiptVoid.objects.exists()
    assert not AuditEvent.objects.filter(action="receipt_voided").exists()


def test_a_receipt_is_voided_once(client, admin, day):
    client.force_login(admin)
    void(client, day[1])
    response = void(client, day[1], "otra vez por si acaso")
    assert response.status_code == 400
    assert "ya está anulado" in response.content.decode() and "ANULADO" in response.content.decode()
    assert ReceiptVoid.objects.get().reason == "El cajero digitó mal el valor"


def test_another_billers_or_entitys_receipt_is_not_found(client, other_biller, other_admin, day):
    for user in (other_biller, other_admin):
        client.force_login(user)
        assert client.get(reverse("billing:void", args=[day[1].pk])).status_code == 404
        assert void(client, day[1]).status_code == 404
    assert not ReceiptVoid.objects.exists()


def test_another_entitys_administrator_cannot_decide(client, biller, other_admin, day):
    client.force_login(biller)
    void(client, day[1])
    v = ReceiptVoid.objects.get()
    client.force_login(other_admin)
    assert client.post(reverse("billing:void_decide", args=[v.pk]), {"decision": "grant"}).status_code == 404
    assert ReceiptVoid.objects.get().status == "requested"
    assert list(client.get(reverse("billing:void_requests")).context["pending"]) == []


# -- every report -----------------------------------------------------------------------------------
@pytest.fixture
def voided_day(client, admin, day):
    client.force_login(admin)
    void(client, day[1])
    return day


def test_the_sales_report_leaves_voided_receipts_out_and_lists_them_apart(client, admin, voided_day):
    kept, wrong = voided_day
    response = client.get(reverse("billing:report"), {"filter_by": "all", **DAY})
    t = response.context["totals"]
    assert (t.count, t.total, t.kwh) == (1, Decimal("1000"), Decimal("2.0"))
    assert response.context["voided_totals"].total == Decimal("2500")
    html = response.content.decode()
    assert 'id="voided"' in html and wrong.full_number in html

    # The PDF (drawn by ReportLab): the kept receipt in the table and the total, the voided one
    # only in its own section after the totals, with its reason.
    pdf = client.get(reverse("billing:report_pdf"), {"filter_by": "all", **DAY})
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    lines = [line.strip() for line in text.splitlines()]
    totals_at = lines.index("Total")
    voided_at = next(i for i, line in enumerate(lines) if line.startswith("Comprobantes anulados"))
    assert lines.index(kept.full_number) < totals_at < voided_at < lines.index(wrong.full_number)
    assert "$ 1.000" in lines[totals_at:voided_at] and "$ 3.500" not in text
    assert "El cajero digitó mal el valor" in lines[voided_at:]

    xlsx = client.get(reverse("billing:report_xlsx"), {"filter_by": "all", **DAY})
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    total_row = next(r for r in rows if r and r[0] == "Total")
    assert total_row[1] == 1000
    voided_at = next(i for i, r in enumerate(rows) if r and r[0] and "anulados" in str(r[0]))
    assert rows[voided_at + 1][0] == wrong.full_number


def test_the_cashup_leaves_voided_receipts_out(client, admin, biller, voided_day):
    kept, wrong = voided_day
    client.force_login(biller)
    response = client.get(reverse("billing:cashup"), DAY)
    c = response.context["cashup"]
    assert (c.totals.count, c.totals.total) == (1, Decimal("1000"))
    assert [r.full_number for d in c.days for r in d.receipts] == [kept.full_number]
    assert [v.number for v in c.voided] == [wrong.full_number]
    assert c.voided_totals.total == Decimal("2500")
    printed = client.get(reverse("billing:cashup"), {**DAY, "formato": "80mm"}).content.decode()
    assert wrong.full_number in printed and "anulados" in printed


def test_the_dashboard_leaves_voided_receipts_out(client, admin, voided_day):
    with time_machine.travel(bogota(2026, 3, 10, 18, 0), tick=False):
        response = client.get(reverse("billing:dashboard"))
    assert response.context["totals"].total == Decimal("1000")
    assert response.context["voided_totals"].count == 1
    assert sum(p.total for p in response.context["billers"]) == Decimal("1000")
    assert 'id="dashboard-voided"' in response.content.decode()
