"""The sales report (figures 11, 12): totals, filters, local-day edges, isolation, PDF and .xlsx."""

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from billing import reports
from tests import factories as f
from tests.report_receipts import bogota, make_receipt


@pytest.fixture
def sales(entity, admin, biller, other_biller, meter, customer):
    """Receipts on 2026-03-10 (local), one late at night, one the day after, another biller's."""
    second = f.make_meter(f.make_customer(entity, full_name="Segunda Familia", identification="777"))
    return {
        "early": make_receipt(biller, meter, bogota(2026, 3, 10, 0, 0, 0), total="1000", kwh="2.0"),
        "noon": make_receipt(biller, second, bogota(2026, 3, 10, 12, 0), total="2500", kwh="5.0"),
        "late": make_receipt(other_biller, meter, bogota(2026, 3, 10, 23, 30), total="4526", kwh="9.0"),
        "next": make_receipt(biller, meter, bogota(2026, 3, 11, 0, 0, 0), total="45688", kwh="91.3"),
        "admin": make_receipt(admin, second, bogota(2026, 3, 9, 23, 59, 59), total="666", kwh="1.3"),
    }


def report(client, name="billing:report", **params):
    return client.get(reverse(name), params)


DAY = {"start": "2026-03-10", "end": "2026-03-10"}


def test_totals_are_the_sums_of_the_receipts_of_the_local_day(client, admin, sales):
    client.force_login(admin)
    response = report(client, filter_by="all", **DAY)
    assert response.status_code == 200
    t = response.context["totals"]
    day = [sales["early"], sales["noon"], sales["late"]]
    assert t.count == 3
    assert t.total == sum(r.total for r in day) == Decimal("8026")
    assert t.kwh == sum(r.kwh for r in day) == Decimal("16.0")
    d = reports.sales_summary(response.context["filter"], detailed=True)
    assert (d.count, d.total, d.kwh) == (t.count, t.total, t.kwh)
    assert d.subtotal == sum(r.subtotal for r in day)
    assert d.iva == sum(r.iva for r in day)
    assert d.subtotal + d.iva == d.total
    html = response.content.decode()
    assert "$ 8.026" in html


def test_a_receipt_at_23_30_local_belongs_to_that_local_day(entity, sales):
    # 23:30 in Bogotá is 04:30 UTC of the next day.
    assert sales["late"].issued_at.astimezone(reports.local_tz()).date() == date(2026, 3, 10)
    t = reports.sales_summary(reports.SalesFilter(entity, date(2026, 3, 11), date(2026, 3, 11)))
    assert (t.count, t.total) == (1, Decimal("45688"))
    t = reports.sales_summary(reports.SalesFilter(entity, date(2026, 3, 9), date(2026, 3, 9)))
    assert (t.count, t.total) == (1, Decimal("666"))


def test_a_range_includes_both_end_days(entity, sales):
    t = reports.sales_summary(reports.SalesFilter(entity, date(2026, 3, 9), date(2026, 3, 11)))
    assert t.count == 5
    assert t.total == sum(r.total for r in sales.values())


def test_the_summary_is_one_query(entity, sales, django_assert_num_queries):
    with django_assert_num_queries(1):
        reports.sales_summary(reports.SalesFilter(entity, date(2026, 3, 1), date(2026, 3, 31)))


def test_filter_by_biller(client, admin, biller, sales):
    client.force_login(admin)
    t = report(client, filter_by="biller", biller=biller.pk, **DAY).context["totals"]
    assert (t.count, t.total) == (2, Decimal("3500"))


def test_filter_by_customer_identification(client, admin, customer, sales):
    client.force_login(admin)
    t = report(client, filter_by="customer", identification=customer.identification, **DAY).context["totals"]
    assert (t.count, t.total) == (2, Decimal("5526"))


def test_an_empty_range_shows_zero(client, admin, sales):
    client.force_login(admin)
    t = report(client, filter_by="all", start="2025-01-01", end="2025-01-31").context["totals"]
    assert (t.count, t.total, t.kwh) == (0, Decimal("0"), Decimal("0"))


def test_an_end_before_the_start_is_refused(client, admin, sales):
    client.force_login(admin)
    response = report(client, filter_by="all", start="2026-03-11", end="2026-03-10")
    assert response.status_code == 400
    assert "anterior a la inicial" in response.content.decode()
    assert "totals" not in response.context


def test_the_page_opens_on_today_for_everything(client, admin, sales):
    client.force_login(admin)
    with time_machine.travel(bogota(2026, 3, 10, 18, 0), tick=False):
        t = client.get(reverse("billing:report")).context["totals"]
    assert t.count == 3


# -- a biller sees only their own sales ----------------------------------------------------------
def test_a_biller_sees_only_their_own_sales(client, biller, sales):
    client.force_login(biller)
    t = report(client, filter_by="all", **DAY).context["totals"]
    assert (t.count, t.total) == (2, Decimal("3500"))


def test_a_biller_cannot_ask_for_another_billers_sales(client, biller, other_biller, sales):
    client.force_login(biller)
    t = report(client, filter_by="all", biller=other_biller.pk, **DAY).context["totals"]
    assert (t.count, t.total) == (2, Decimal("3500"))  # forced to their own
    response = report(client, filter_by="biller", biller=other_biller.pk, **DAY)
    assert response.status_code == 400
    assert "totals" not in response.context


def test_a_biller_filtering_by_customer_sees_only_their_own_receipts_of_that_customer(client, biller, customer, sales):
    client.force_login(biller)
    t = report(client, filter_by="customer", identification=customer.identification, **DAY).context["totals"]
    assert (t.count, t.total) == (1, Decimal("1000"))


# -- another entity's ids never show its data ----------------------------------------------------
def test_another_entitys_biller_id_is_refused(client, admin, other_entity, sales):
    stranger = f.make_user(other_entity, "biller")
    make_receipt(stranger, f.make_meter(f.make_customer(other_entity)), bogota(2026, 3, 10, 9, 0), total="99999")
    client.force_login(admin)
    response = report(client, filter_by="biller", biller=stranger.pk, **DAY)
    assert response.status_code == 400
    assert "totals" not in response.context
    assert "99.999" not in response.content.decode()


def test_another_entitys_customer_identification_finds_nothing(client, admin, other_meter, sales):
    make_receipt(f.make_user(other_meter.entity, "biller"), other_meter, bogota(2026, 3, 10, 9, 0), total="99999")
    client.force_login(admin)
    response = report(client, filter_by="customer", identification=other_meter.customer.identification, **DAY)
    assert response.status_code == 400
    assert "No existe un usuario" in response.content.decode()
    for name in ("billing:report_pdf", "billing:report_xlsx"):
        r = report(client, name, filter_by="customer", identification=other_meter.customer.identification, **DAY)
        assert r.status_code == 400


def test_another_entitys_receipts_never_count(client, other_admin, sales):
    client.force_login(other_admin)
    t = report(client, filter_by="all", **DAY).context["totals"]
    assert (t.count, t.total) == (0, Decimal("0"))


def test_the_report_needs_a_login(client):
    response = client.get(reverse("billing:report"))
    assert response.status_code == 302 and "login" in response.url


# -- PDF -----------------------------------------------------------------------------------------
def pdf_lines(content: bytes) -> list[str]:
    """The text of every page of a PDF, line by line (layout mode keeps a row on one line)."""
    reader = PdfReader(io.BytesIO(content))
    return [
        " ".join(line.split())
        for page in reader.pages
        for line in page.extract_text(extraction_mode="layout").splitlines()
        if line.strip()
    ]


def test_the_pdf_has_the_header_a_row_per_receipt_and_the_totals(client, admin, sales):
    admin.identification = "1121934572"
    admin.save()
    client.force_login(admin)
    response = report(client, "billing:report_pdf", filter_by="all", **DAY)
    lines = pdf_lines(response.content)
    text = "\n".join(lines)
    assert "Reporte de ventas — Cooperativa Solar del Meta" in text
    assert "Ana Administradora" in text and "1121934572" in text
    assert "2026-03-10" in text and "Todos los medidores" in text
    numbers = [line.split()[0] for line in lines]
    for key in ("early", "noon", "late"):
        assert sales[key].full_number in numbers
    assert sales["next"].full_number not in numbers
    assert "2026-03-10 23:30:00 $ 4.526" in text  # local time, not UTC; Colombian pesos
    assert any(line.startswith("Total") and line.endswith("$ 8.026") for line in lines)
    assert "Página 1 de 1" in text


def test_a_long_pdf_repeats_the_header_and_numbers_its_pages(client, admin, entity, biller, meter):
    for minute in range(130):
        make_receipt(biller, meter, bogota(2026, 3, 10, 8, 0) + timedelta(minutes=minute))
    client.force_login(admin)
    reader = PdfReader(io.BytesIO(report(client, "billing:report_pdf", filter_by="all", **DAY).content))
    assert len(reader.pages) >= 3
    for i, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "# Factura" in text and "Cliente" in text and "Valor" in text
        assert f"Página {i} de {len(reader.pages)}" in text
        assert "Cooperativa Solar del Meta" in text  # the entity at the foot of every page


def test_the_pdf_is_a_pdf(client, admin, sales):
    client.force_login(admin)
    response = report(client, "billing:report_pdf", filter_by="all", **DAY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_pdf_of_a_customer_names_the_customer(client, admin, customer, sales):
    client.force_login(admin)
    response = report(client, "billing:report_pdf", filter_by="customer", identification=customer.identification, **DAY)
    lines = pdf_lines(response.content)
    assert any(f"Usuario Prueba ({customer.identification})" in line for line in lines)
    numbers = [line.split()[0] for line in lines]
    assert sales["early"].full_number in numbers
    assert sales["noon"].full_number not in numbers  # the other customer's


# -- xlsx ----------------------------------------------------------------------------------------
def test_the_xlsx_has_the_same_rows_and_totals(client, admin, sales):
    client.force_login(admin)
    response = report(client, "billing:report_xlsx", filter_by="all", **DAY)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "# Factura")
    body = rows[header + 1 : header + 4]
    assert [r[0] for r in body] == [sales[k].full_number for k in ("early", "noon", "late")]
    assert [Decimal(str(r[6])) for r in body] == [Decimal("1000"), Decimal("2500"), Decimal("4526")]
    assert body[2][3].strftime("%Y-%m-%d %H:%M") == "2026-03-10 23:30"
    totals = {r[0]: r[1] for r in rows[header + 4 :] if r and r[0]}
    assert totals["Recargas"] == 3
    assert Decimal(str(totals["Total"])) == Decimal("8026")


def test_xlsx_text_that_looks_like_a_formula_stays_text(client, admin, entity, biller):
    customer = f.make_customer(entity, full_name='=HYPERLINK("http://x")', identification="888")
    make_receipt(biller, f.make_meter(customer), bogota(2026, 3, 10, 8, 0))
    client.force_login(admin)
    response = report(client, "billing:report_xlsx", filter_by="all", **DAY)
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [c for r in ws.iter_rows() for c in r if c.value == '=HYPERLINK("http://x")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_a_billers_pdf_and_xlsx_hold_only_their_own_receipts(client, biller, sales):
    client.force_login(biller)
    numbers = [
        line.split()[0] for line in pdf_lines(report(client, "billing:report_pdf", filter_by="all", **DAY).content)
    ]
    assert sales["early"].full_number in numbers
    assert sales["late"].full_number not in numbers  # the other biller's
    response = report(client, "billing:report_xlsx", filter_by="all", **DAY)
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    numbers = {r[0].value for r in ws.iter_rows()}
    assert sales["early"].full_number in numbers and sales["late"].full_number not in numbers
