"""The monthly subsidy report for the state's reconciliation: admin only, PDF and .xlsx."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from billing import reports
from tests import factories as f

MONTH = {"month": "2026-04"}


@pytest.fixture
def meters(entity, product):
    a = f.make_meter(f.make_customer(entity, full_name="Ana"), subsidy_kwh=Decimal("10.0"))
    b = f.make_meter(
        f.make_customer(entity, full_name="Beto"), subsidy_kwh=Decimal("12.5"), installed_on=date(2026, 4, 30)
    )
    later = f.make_meter(
        f.make_customer(entity, full_name="Caro"), subsidy_kwh=Decimal("9.0"), installed_on=date(2026, 5, 1)
    )
    off = f.make_meter(f.make_customer(entity, full_name="Dora"), subsidy_kwh=Decimal("8.0"), is_active=False)
    return a, b, later, off


def test_each_active_meter_with_its_subsidy_and_value_at_the_current_price(entity, meters):
    r = reports.subsidy_report(entity, date(2026, 4, 1))
    assert [row.drn for row in r.rows] == [meters[0].drn, meters[1].drn]  # not installed later, not inactive
    assert r.price_per_kwh == Decimal("500.00")
    assert [row.value for row in r.rows] == [Decimal("5000"), Decimal("6250")]
    assert r.total_kwh == Decimal("22.5") and r.total_value == Decimal("11250")


def test_the_value_rounds_half_up_to_the_peso(entity, meters, product):
    product.price_per_kwh = Decimal("333.33")
    product.save()
    r = reports.subsidy_report(entity, date(2026, 4, 1))
    # 10.0 × 333.33 = 3333.3 → 3333; 12.5 × 333.33 = 4166.625 → 4167
    assert [row.value for row in r.rows] == [Decimal("3333"), Decimal("4167")]
    assert r.total_value == Decimal("7500")


def test_without_a_price_the_values_are_blank(client, admin, entity):
    f.make_meter(f.make_customer(entity))
    client.force_login(admin)
    response = client.get(reverse("billing:subsidy"), MONTH)
    assert response.context["report"].total_value is None
    assert "No hay un precio" in response.content.decode()


def test_the_page_shows_the_totals(client, admin, meters):
    client.force_login(admin)
    html = client.get(reverse("billing:subsidy"), MONTH).content.decode()
    assert '<strong data-total="money">$ 11.250</strong>' in html
    assert "22,5 kWh" in html


def test_the_pdf_html_and_the_pdf(client, admin, meters):
    client.force_login(admin)
    html = client.get(reverse("billing:subsidy_pdf"), {**MONTH, "vista": "html"}).content.decode()
    assert "2026-04" in html and meters[0].drn in html and meters[2].drn not in html
    assert 'id="grand-total">$ 11.250<' in html
    response = client.get(reverse("billing:subsidy_pdf"), MONTH)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_the_xlsx_reads_back(client, admin, meters):
    client.force_login(admin)
    response = client.get(reverse("billing:subsidy_xlsx"), MONTH)
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    body = [r for r in rows if r[0] in (meters[0].drn, meters[1].drn)]
    assert [(r[0], Decimal(str(r[4])), Decimal(str(r[5]))) for r in body] == [
        (meters[0].drn, Decimal("10"), Decimal("5000")),
        (meters[1].drn, Decimal("12.5"), Decimal("6250")),
    ]
    total = next(r for r in rows if r[0] == "Total")
    assert Decimal(str(total[4])) == Decimal("22.5") and Decimal(str(total[5])) == Decimal("11250")


def test_another_entitys_meters_never_appear(entity, meters, other_meter):
    r = reports.subsidy_report(entity, date(2026, 4, 1))
    assert other_meter.drn not in [row.drn for row in r.rows]


def test_a_bad_month_is_refused(client, admin, meters):
    client.force_login(admin)
    for name in ("billing:subsidy", "billing:subsidy_pdf", "billing:subsidy_xlsx"):
        assert client.get(reverse(name), {"month": "2026-13"}).status_code == 400
