"""The administrator's dashboard: money and kWh per day over 90 days, and per biller."""

from datetime import date
from decimal import Decimal

import time_machine
from django.urls import reverse

from billing import reports
from tests.report_receipts import bogota, make_receipt


def test_sales_per_day_cover_90_local_days_with_zeros(entity, biller, meter):
    make_receipt(biller, meter, bogota(2026, 6, 30, 23, 30), total="1000", kwh="2.0")
    make_receipt(biller, meter, bogota(2026, 6, 30, 8, 0), total="500", kwh="1.0")
    make_receipt(biller, meter, bogota(2026, 4, 1, 12, 0), total="700", kwh="1.4")  # 91st day back
    points = reports.sales_per_day(entity, date(2026, 6, 30), 90)
    assert len(points) == 90
    assert points[0].day == date(2026, 4, 2) and points[-1].day == date(2026, 6, 30)
    assert (points[-1].total, points[-1].kwh, points[-1].count) == (Decimal("1500"), Decimal("3.0"), 2)
    assert sum(p.total for p in points) == Decimal("1500")


def test_the_dashboard_draws_svg_charts_from_the_receipts(client, admin, biller, other_biller, meter):
    make_receipt(biller, meter, bogota(2026, 6, 29, 10, 0), total="3000")
    make_receipt(other_biller, meter, bogota(2026, 6, 30, 10, 0), total="1000")
    client.force_login(admin)
    with time_machine.travel(bogota(2026, 6, 30, 18, 0), tick=False):
        response = client.get(reverse("billing:dashboard"))
    html = response.content.decode()
    assert html.count("<svg") == 3
    assert "<script" not in html
    assert "29/06: $ 3.000" in html and "30/06: $ 1.000" in html
    assert [(b.name, b.total) for b in response.context["billers"]] == [
        (biller.full_name, Decimal("3000")),
        (other_biller.full_name, Decimal("1000")),
    ]
    assert response.context["totals"].total == Decimal("4000")
    tallest = max(response.context["money_chart"].bars, key=lambda b: b.height)
    assert tallest.label == "29/06"


def test_the_dashboard_never_shows_another_entitys_sales(client, other_admin, biller, meter):
    make_receipt(biller, meter, bogota(2026, 6, 29, 10, 0), total="3000")
    client.force_login(other_admin)
    with time_machine.travel(bogota(2026, 6, 30, 18, 0), tick=False):
        response = client.get(reverse("billing:dashboard"))
    assert response.context["totals"].count == 0
    assert response.context["billers"] == []
