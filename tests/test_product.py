"""The product page (figure 10): description, IVA % and price per kWh, administrators only."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from billing.models import DEFAULT_DESCRIPTION, Product

PAGE = reverse("billing:product")
SAVE = reverse("billing:product_save")


@pytest.fixture
def office(client, admin):
    client.force_login(admin)
    return client


def test_the_product_page_shows_the_default_description_before_anything_is_set(office, entity):
    html = office.get(PAGE).content.decode()
    assert DEFAULT_DESCRIPTION in html
    assert not Product.objects.filter(entity=entity).exists()


def test_an_administrator_sets_description_iva_and_price(office, entity):
    response = office.post(
        SAVE, {"description": "  Energía   solar kWh ", "iva_percent": "19", "price_per_kwh": "812.50"}
    )
    assert response.status_code == 302
    product = Product.objects.get(entity=entity)
    assert (product.description, product.iva_percent, product.price_per_kwh) == (
        "Energía solar kWh",
        D("19"),
        D("812.50"),
    )
    assert response["Location"] == PAGE
    html = office.get(PAGE).content.decode()
    assert "Producto actualizado: $ 812,50 por kWh, IVA 19 %." in html
    assert 'value="812,50"' in html  # the form shows the saved price the way it is typed


@pytest.mark.parametrize(
    ("typed", "saved", "shown"),
    [
        ("683,5", "683.50", "$ 683,50"),
        ("683.5", "683.50", "$ 683,50"),
        ("1.000", "1000", "$ 1.000"),
        ("1.000,50", "1000.50", "$ 1.000,50"),
        ("1000.5", "1000.50", "$ 1.000,50"),
        ("1,000.50", "1000.50", "$ 1.000,50"),
        ("$ 812", "812", "$ 812"),
    ],
)
def test_a_price_typed_the_colombian_way_is_saved_as_typed_and_shown_back(office, entity, typed, saved, shown):
    response = office.post(SAVE, {"description": DEFAULT_DESCRIPTION, "iva_percent": "19,5", "price_per_kwh": typed})
    assert response.status_code == 302
    product = Product.objects.get(entity=entity)
    assert (product.price_per_kwh, product.iva_percent) == (D(saved), D("19.5"))
    assert f"Producto actualizado: {shown} por kWh, IVA 19,50 %." in office.get(PAGE).content.decode()


def test_money_and_percent_inputs_are_text_with_a_decimal_keyboard(office, product):
    html = office.get(PAGE).content.decode()
    for name, value in (("price_per_kwh", "500"), ("iva_percent", "19")):
        tag = next(t for t in html.split("<input") if f'name="{name}"' in t)
        assert 'type="text"' in tag and 'inputmode="decimal"' in tag
        assert f'value="{value}"' in tag


def test_zero_percent_iva_is_accepted(office, entity, product):
    office.post(SAVE, {"description": DEFAULT_DESCRIPTION, "iva_percent": "0", "price_per_kwh": "500"})
    product.refresh_from_db()
    assert product.iva_percent == D("0")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"iva_percent": "-1", "price_per_kwh": "500"}, "iva_percent"),
        ({"iva_percent": "101", "price_per_kwh": "500"}, "iva_percent"),
        ({"iva_percent": "19", "price_per_kwh": "0"}, "price_per_kwh"),
        ({"iva_percent": "19", "price_per_kwh": "-5"}, "price_per_kwh"),
        ({"iva_percent": "19", "price_per_kwh": ""}, "price_per_kwh"),
        ({"iva_percent": "19", "price_per_kwh": "abc"}, "price_per_kwh"),
        ({"iva_percent": "19", "price_per_kwh": "683,555"}, "price_per_kwh"),  # 683555 or 683,555?
        ({"iva_percent": "19", "price_per_kwh": "683,5555"}, "price_per_kwh"),
        ({"iva_percent": "19", "price_per_kwh": "1.00.0"}, "price_per_kwh"),
        ({"iva_percent": "19", "price_per_kwh": "１０００"}, "price_per_kwh"),
        ({"iva_percent": "19,555", "price_per_kwh": "500"}, "iva_percent"),
        ({"iva_percent": "diecinueve", "price_per_kwh": "500"}, "iva_percent"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(office, product, data, field):
    response = office.post(SAVE, {"description": DEFAULT_DESCRIPTION, **data})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert list(response.context["form"].errors) == [field]  # only the wrong field is marked
    assert 'class="invalid-feedback"' in response.content.decode()
    product.refresh_from_db()
    assert (product.iva_percent, product.price_per_kwh) == (D("19"), D("500"))


def test_each_entity_has_its_own_product(office, product, other_entity):
    from tests import factories as f

    theirs = f.make_product(other_entity, price_per_kwh=D("999"))
    office.post(SAVE, {"description": DEFAULT_DESCRIPTION, "iva_percent": "0", "price_per_kwh": "600"})
    theirs.refresh_from_db()
    assert theirs.price_per_kwh == D("999")
    product.refresh_from_db()
    assert product.price_per_kwh == D("600")
