"""The administrator's dashboard: money and kWh per day over 90 days, and per biller."""

from datetime import date
from decimal import Decimal

import time_machine
from django.urls import reverse

from billing import reports
from billing.charts import CHAR_WIDTH, bar_chart, horizontal_bar_chart
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
    assert "<script" not in html.split('id="main"')[1]  # drawn on the server, no script
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


def pesos(value) -> str:
    return "$ " + f"{value:,.0f}".replace(",", ".")


def test_the_value_axis_has_round_steps_that_cover_the_largest_figure():
    chart = bar_chart([("01/06", Decimal("1163120")), ("02/06", Decimal("20000"))], fmt=pesos)
    assert [t.label for t in chart.value_ticks] == ["$ 0", "$ 500.000", "$ 1.000.000", "$ 1.500.000"]
    ys = [t.y for t in chart.value_ticks]
    assert ys == sorted(ys, reverse=True) and ys[0] == chart.bottom  # zero on the axis line
    assert max(b.y for b in chart.bars) <= chart.bottom and min(b.y for b in chart.bars) >= chart.top


def test_the_day_labels_never_overlap_and_today_has_one():
    points = [(f"{d:02d}/06", Decimal(d * 1000)) for d in range(1, 31)] * 3  # 90 bars
    chart = bar_chart(points, fmt=pesos)
    xs = [t.x for t in chart.ticks]
    width = max(len(t.label) for t in chart.ticks) * CHAR_WIDTH
    assert all(b - a >= width for a, b in zip(xs, xs[1:], strict=False))
    assert chart.ticks[-1].label == points[-1][0] and len(chart.ticks) >= 10
    assert all(b.title == f"{b.label}: {pesos(b.value)}" for b in chart.bars)  # the figure on hover


def test_biller_names_get_a_row_each_and_their_figure_printed():
    long_name = "María Fernanda de los Ángeles Rodríguez Castañeda"
    chart = horizontal_bar_chart([(long_name, Decimal("1163120")), ("Bruno", Decimal("1000"))], fmt=pesos)
    first, second = chart.bars
    assert first.y + first.height <= second.y  # rows apart: labels never overlap
    assert first.label.endswith("…") and len(first.label) == 28 and first.title.startswith(long_name)
    assert (first.value_text, second.value_text) == ("$ 1.163.120", "$ 1.000")
    assert first.text_x + len(first.value_text) * CHAR_WIDTH <= chart.width  # the figure fits
    labels = [t for t in chart.value_ticks if t.label]
    assert all(b.x - a.x >= len(a.label) * CHAR_WIDTH for a, b in zip(labels, labels[1:], strict=False))


def test_the_dashboard_prints_each_billers_figure_and_lists_the_days(client, admin, biller, meter):
    make_receipt(biller, meter, bogota(2026, 6, 29, 10, 0), total="3000")
    client.force_login(admin)
    with time_machine.travel(bogota(2026, 6, 30, 18, 0), tick=False):
        html = client.get(reverse("billing:dashboard")).content.decode()
    assert 'class="aom-chart-value"' in html and ">$ 3.000</text>" in html
    days = html.split('id="dashboard-days"')[1].split("</table>")[0]
    assert "2026-06-29" in days and "$ 3.000" in days and "2026-06-30" not in days
