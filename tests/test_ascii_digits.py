"""Digits are the ASCII 0-9 in every validator of the reports, billing and licensing: a number or
a date typed with other digits is refused with a message and changes nothing."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from aom.lib.numbers import MAX_PAGE, page_number
from billing.models import Product, Receipt
from billing.services import recharge_issue
from licensing.models import Entity, License
from tests.test_admin import entity_data
from tests.test_admin_licenses import license_data

FOREIGN = "Escriba los números solo con los dígitos 0 a 9."


@pytest.fixture
def office(client, admin):
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "params",
    [
        {"filter_by": "all", "start": "٢٠٢٦-٠١-٠١", "end": "2026-01-31"},
        {"filter_by": "all", "start": "2026-01-01", "end": "２０２６-０１-３１"},
    ],
)
def test_a_report_date_in_foreign_digits_is_refused(office, product, params):
    response = office.get(reverse("billing:report"), params)
    assert response.status_code == 400
    assert FOREIGN in response.content.decode()


@pytest.mark.parametrize("start, end", [("9999-12-25", "9999-12-31"), ("1900-01-01", "1900-01-02")])
def test_a_report_date_out_of_range_is_refused_with_a_message(office, product, start, end):
    response = office.get(reverse("billing:cashup"), {"start": start, "end": end, "biller": ""})
    assert response.status_code == 400
    assert "Escriba una fecha entre 2000-01-01 y 2099-12-31." in response.content.decode()


@pytest.mark.parametrize("month", ["٢٠٢٦-٠١", "9999-12", "0001-01"])
def test_a_subsidy_month_in_foreign_digits_or_far_away_is_refused(office, product, month):
    response = office.get(reverse("billing:subsidy"), {"month": month})
    assert response.status_code == 400
    assert FOREIGN in response.content.decode() or "Escriba una fecha entre" in response.content.decode()


@pytest.mark.parametrize("field", ["price_per_kwh", "iva_percent"])
def test_a_product_number_in_foreign_digits_is_refused_and_changes_nothing(office, product, field):
    data = {"description": "Energía", "iva_percent": "19", "price_per_kwh": "600", field: "٥٠٠"}
    response = office.post(reverse("billing:product_save"), data)
    assert response.status_code == 400
    assert FOREIGN in response.content.decode()
    stored = Product.objects.get(pk=product.pk)
    assert (stored.price_per_kwh, stored.iva_percent) == (product.price_per_kwh, product.iva_percent)


@pytest.mark.parametrize("field, value", [("meter", "١"), ("total", "٥٠٠٠")])
def test_a_recharge_confirmation_in_foreign_digits_issues_nothing(client, biller, meter, product, field, value):
    client.force_login(biller)
    data = {"meter": str(meter.pk), "amount": "5000", "total": "5000", "idempotency_key": str(uuid.uuid4())}
    data[field] = value.replace("١", "١" * len(str(meter.pk))) if field == "meter" else value
    response = client.post(reverse("billing:issue"), data, follow=True)
    assert "La confirmación no es válida" in response.content.decode()
    assert not Receipt.objects.exists()


def test_the_receipt_search_does_not_read_foreign_digits_as_a_number(office, biller, meter, product):
    receipt = recharge_issue(biller=biller, meter=meter, amount=Decimal("5000"), idempotency_key=uuid.uuid4())
    assert receipt.number == 1
    assert receipt.full_number in office.get(reverse("billing:index"), {"q": "1"}).content.decode()
    response = office.get(reverse("billing:index"), {"q": "١"})
    assert response.status_code == 200
    assert receipt.code[:4] not in response.content.decode()


@pytest.mark.parametrize(
    "typed, page", [("3", 3), ("", 1), ("0", 1), ("-2", 1), ("²", 1), ("١٢", 1), ("99999999999999999999999", MAX_PAGE)]
)
def test_a_page_number_is_read_in_ascii_digits_and_kept_in_range(typed, page):
    assert page_number(typed) == page


@pytest.mark.parametrize(
    "field, value", [("supply_group_code", "١٢٣٤٥٦"), ("tariff_index", "٠١"), ("key_revision", "٢")]
)
def test_the_operator_cannot_save_entity_parameters_in_foreign_digits(client, operator, field, value):
    client.force_login(operator)
    response = client.post(reverse("admin:licensing_entity_add"), entity_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error(field)
    assert not Entity.objects.filter(nit="900111222").exists()


@pytest.mark.parametrize("field", ["max_customers", "receipt_from", "receipt_to"])
def test_the_operator_cannot_save_license_numbers_in_foreign_digits(client, operator, entity, field):
    client.force_login(operator)
    before = License.objects.count()
    response = client.post(reverse("admin:licensing_license_add"), license_data(entity, **{field: "٢٠٠٠"}))
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error(field)
    assert License.objects.count() == before
