"""Cash-up ("Cuadre de caja"): a biller's receipts per local day, with counts and totals."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f
from tests.report_receipts import bogota, make_receipt


@pytest.fixture
def day_sales(biller, other_biller, meter):
    return [
        make_receipt(biller, meter, bogota(2026, 5, 4, 7, 15), total="3000"),
        make_receipt(biller, meter, bogota(2026, 5, 4, 23, 30), total="1500"),
        make_receipt(biller, meter, bogota(2026, 5, 5, 9, 0), total="2000"),
        make_receipt(other_biller, meter, bogota(2026, 5, 4, 10, 0), total="7000"),
    ]


def get(client, **params):
    return client.get(reverse("billing:cashup"), params)


def test_a_biller_gets_their_own_cashup_per_day(client, biller, day_sales):
    client.force_login(biller)
    c = get(client, start="2026-05-04", end="2026-05-05").context["cashup"]
    assert c.biller == biller
    assert [(d.day.isoformat(), d.totals.count, d.totals.total) for d in c.days] == [
        ("2026-05-04", 2, Decimal("4500")),
        ("2026-05-05", 1, Decimal("2000")),
    ]
    assert [r.pk for r in c.days[0].receipts] == [day_sales[0].pk, day_sales[1].pk]
    assert (c.totals.count, c.totals.total) == (3, Decimal("6500"))
    assert c.totals.kwh == sum(r.kwh for r in day_sales[:3])


def test_a_biller_cannot_see_another_billers_cashup(client, biller, other_biller, day_sales):
    client.force_login(biller)
    c = get(client, biller=other_biller.pk, start="2026-05-04", end="2026-05-04").context["cashup"]
    assert c.biller == biller
    assert c.totals.total == Decimal("4500")


def test_an_admin_picks_a_biller(client, admin, other_biller, day_sales):
    client.force_login(admin)
    c = get(client, biller=other_biller.pk, start="2026-05-04", end="2026-05-04").context["cashup"]
    assert (c.biller, c.totals.count, c.totals.total) == (other_biller, 1, Decimal("7000"))


def test_an_admin_must_pick_a_biller_of_their_entity(client, admin, other_entity, day_sales):
    stranger = f.make_user(other_entity, "biller")
    client.force_login(admin)
    response = get(client, biller=stranger.pk, start="2026-05-04", end="2026-05-04")
    assert response.status_code == 400
    assert "cashup" not in response.context


def test_an_admin_opening_the_page_sees_the_form_only(client, admin, day_sales):
    client.force_login(admin)
    response = client.get(reverse("billing:cashup"))
    assert response.status_code == 200
    assert "cashup" not in response.context


@pytest.mark.parametrize(("fmt", "width"), [("80mm", "size: 80mm auto"), ("carta", "size: letter")])
def test_the_cashup_prints_on_80mm_and_letter(client, biller, day_sales, fmt, width):
    client.force_login(biller)
    response = get(client, start="2026-05-04", end="2026-05-04", formato=fmt)
    html = response.content.decode()
    assert width in html
    assert '<span data-total="money">$ 4.500</span>' in html
    assert '<span data-total="count">2</span>' in html
    assert day_sales[1].full_number in html and "23:30" in html
    assert "Cuadre de caja" in html and biller.full_name in html
