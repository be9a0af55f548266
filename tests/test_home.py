"""The home page: today at a glance, by role."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from licensing.models import License
from tests.report_receipts import bogota, make_receipt

NOW = bogota(2026, 5, 4, 15, 0)


@pytest.fixture
def sales(biller, other_biller, admin, meter):
    return [
        make_receipt(biller, meter, bogota(2026, 5, 4, 8, 0), total="3000"),
        make_receipt(biller, meter, bogota(2026, 5, 4, 9, 30), total="1500"),
        make_receipt(biller, meter, bogota(2026, 5, 3, 9, 0), total="9000"),  # yesterday
        make_receipt(other_biller, meter, bogota(2026, 5, 4, 10, 0), total="7000"),
    ]


def home(client, user):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def link(receipt) -> str:
    return f'href="{reverse("billing:done", args=[receipt.pk])}"'


def block(html: str, element_id: str) -> str:
    return html.split(f'id="{element_id}"')[1].split("</dl>")[0].split("</table>")[0]


def test_a_biller_sees_their_sales_of_today_and_the_new_receipt_button(client, biller, sales):
    html = home(client, biller)
    assert f'href="{reverse("billing:new")}"' in html and "Nuevo comprobante" in html
    mine = block(html, "my-sales")
    assert 'data-total="count">2<' in mine and "$ 4.500" in mine  # not yesterday's, not Berta's
    latest = block(html, "home-latest")
    assert [link(r) in latest for r in sales] == [True, True, False, False]


def test_a_biller_sees_neither_the_entitys_figures_nor_the_license(client, biller, sales):
    html = home(client, biller)
    assert 'id="entity-sales"' not in html and 'id="license-state"' not in html
    assert "$ 11.500" not in html and "Berta" not in html


def test_an_administrator_sees_the_days_figures_and_the_license(client, admin, biller, sales, entity):
    license = entity.current_license()
    License.objects.filter(pk=license.pk).update(valid_until=bogota(2026, 5, 20, 23, 59))
    html = home(client, admin)
    day = block(html, "entity-sales")
    assert 'data-total="count">3<' in day and "$ 11.500" in day
    billers = block(html, "home-billers")
    assert "Bruno Facturador" in billers and "Berta Facturadora" in billers and "$ 7.000" in billers
    state = block(html, "license-state")
    assert "Vigente" in state and "2026-05-20 23:59" in state
    license.refresh_from_db()
    assert f"{license.receipts_used} / {license.range_size}" in state
    assert f'data-total="receipts-left">{license.receipts_left}<' in state


def test_an_administrator_sees_an_expired_license_on_the_home_page(client, admin, entity):
    License.objects.filter(entity=entity).update(valid_until=timezone.now() - timedelta(days=400))
    state = block(home(client, admin), "license-state")
    assert "Expirada" in state and "Vigente" not in state


def test_the_home_page_of_another_entity_shows_none_of_these_sales(client, other_admin, sales):
    html = home(client, other_admin)
    assert 'data-total="count">0<' in block(html, "entity-sales")
    assert not any(link(r) in html for r in sales)
    assert "Bruno Facturador" not in html
