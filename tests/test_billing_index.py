"""The "Facturación" page (figure 5): buttons by role, the receipt history, its filter and pages."""

import uuid
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import views
from billing.services import recharge_issue
from tests import factories as f

INDEX = reverse("billing:index")


def issue(biller, meter, amount="1500"):
    return recharge_issue(biller=biller, meter=meter, amount=D(amount), idempotency_key=uuid.uuid4())


def test_a_biller_sees_only_the_buttons_a_biller_may_use(client, biller):
    client.force_login(biller)
    html = client.get(INDEX).content.decode()
    assert "Nuevo comprobante" in html
    assert reverse("billing:product") not in html
    assert "Agregar usuario" not in html and "Modificar usuario" not in html


def test_an_administrator_sees_the_product_button(client, admin):
    client.force_login(admin)
    html = client.get(INDEX).content.decode()
    assert "Nuevo comprobante" in html
    assert reverse("billing:product") in html


def test_the_history_shows_number_customer_identification_code_iva_subtotal_total_and_date(
    client, admin, biller, meter, product
):
    receipt = issue(biller, meter)
    client.force_login(admin)
    html = client.get(INDEX).content.decode()
    for expected in ("Usuario Prueba", "1234567890", receipt.code_groups, "$ 239", "$ 1.261", "$ 1.500"):
        assert expected in html
    assert reverse("billing:done", args=[receipt.pk]) in html


def test_a_biller_sees_their_own_receipts_and_an_administrator_all_of_the_entitys(
    client, admin, biller, other_biller, meter, product, other_admin, other_meter, other_entity
):
    mine = issue(biller, meter)
    theirs = issue(other_biller, meter)
    f.make_product(other_entity)
    foreign = issue(f.make_user(other_entity), other_meter)
    client.force_login(biller)
    html = client.get(INDEX).content.decode()
    assert mine.code_groups in html and theirs.code_groups not in html and foreign.code_groups not in html
    client.force_login(admin)
    html = client.get(INDEX).content.decode()
    assert mine.code_groups in html and theirs.code_groups in html and foreign.code_groups not in html


@pytest.fixture
def history(biller, entity, product):
    ana = f.make_customer(entity, full_name="Ana Gómez", identification="1100223344")
    luis = f.make_customer(entity, full_name="Luis Pérez", identification="79555666")
    ana_meter, luis_meter = f.make_meter(ana), f.make_meter(luis)
    return {
        "ana": issue(biller, ana_meter),
        "luis": issue(biller, luis_meter, "2000"),
        "ana2": issue(biller, ana_meter, "3000"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ana", {"ana", "ana2"}),  # name, any case
        ("GóMEZ", {"ana", "ana2"}),
        ("pérez", {"luis"}),
        ("79555", {"luis"}),  # identification prefix
        ("1100223344", {"ana", "ana2"}),
        ("2", {"luis"}),  # receipt number
        ("nadie", set()),
    ],
)
def test_the_filter_matches_number_name_identification_and_code(client, admin, history, query, expected):
    client.force_login(admin)
    html = client.get(INDEX, {"q": query}).content.decode()
    shown = {key for key, r in history.items() if r.code_groups in html}
    assert shown == expected
    if not expected:
        assert "Ningún comprobante coincide con el filtro." in html


def test_the_filter_finds_a_code_typed_with_or_without_spaces(client, admin, history):
    client.force_login(admin)
    code = history["luis"].code
    for query in (code[:8], f"{code[:4]} {code[4:8]}", code):
        html = client.get(INDEX, {"q": query}).content.decode()
        assert history["luis"].code_groups in html, query


def test_the_history_is_paginated_newest_first_without_counting_everything(client, admin, biller, meter, product):
    receipts = [issue(biller, meter, "50") for _ in range(views.PAGE_SIZE + 2)]
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(INDEX).content.decode()
    assert receipts[-1].code_groups in html and receipts[2].code_groups in html
    assert receipts[1].code_groups not in html
    assert "Siguiente" in html and "Anterior" not in html
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert len(queries.captured_queries) <= 4  # session, user, receipts (+ savepoints on some backends)
    html = client.get(INDEX, {"page": "2"}).content.decode()
    assert receipts[0].code_groups in html and receipts[1].code_groups in html
    assert "Anterior" in html and "Siguiente" not in html


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99999"])
def test_odd_page_numbers_do_not_break_the_page(client, admin, page):
    client.force_login(admin)
    assert client.get(INDEX, {"page": page}).status_code == 200
