"""Forms mark only what is wrong, and the report pages open without an error."""

import re

import pytest
from django.urls import reverse

from customers.models import Customer, Meter
from tests.test_customers import add_data


def invalid_fields(html: str) -> set[str]:
    """The names of the fields the page marks as wrong."""
    marked = set()
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if re.search(r'class="[^"]*\bis-invalid\b', tag):
            marked.add(re.search(r'name="([^"]+)"', tag).group(1))
    return marked


def test_a_duplicate_customer_marks_the_identification_and_not_the_blank_meter(client, admin, customer):
    client.force_login(admin)
    response = client.post(reverse("customers:add"), add_data(identification=customer.identification))
    html = response.content.decode()
    assert invalid_fields(html) == {"identification"}
    assert "Ingrese el serial del medidor." not in html
    assert Customer.objects.count() == 1 and Meter.objects.count() == 0


def test_a_customer_with_a_bad_meter_serial_marks_the_serial_only(client, admin):
    client.force_login(admin)
    response = client.post(reverse("customers:add"), add_data(**{"meter-drn": "123"}))
    assert invalid_fields(response.content.decode()) == {"meter-drn"}
    assert Customer.objects.count() == 0


@pytest.mark.parametrize("role", ["admin", "biller"])
@pytest.mark.parametrize("name", ["billing:cashup", "billing:report", "billing:subsidy", "billing:dashboard"])
def test_the_reports_open_without_an_error(client, request, role, name):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(reverse(name))
    if role == "biller" and name in ("billing:subsidy", "billing:dashboard"):
        assert response.status_code == 403
        return
    html = response.content.decode()
    assert response.status_code == 200
    assert invalid_fields(html) == set()
    assert "obligatorio" not in html and "alert-danger" not in html


def test_a_cashup_without_a_biller_chosen_marks_the_biller_only(client, admin):
    client.force_login(admin)
    response = client.get(reverse("billing:cashup"), {"start": "2026-05-04", "end": "2026-05-04"})
    assert response.status_code == 400
    assert invalid_fields(response.content.decode()) == {"biller"}


def test_a_sales_report_by_biller_without_one_marks_the_biller_only(client, admin):
    client.force_login(admin)
    params = {"filter_by": "biller", "start": "2026-05-04", "end": "2026-05-04"}
    response = client.get(reverse("billing:report"), params)
    assert invalid_fields(response.content.decode()) == {"biller"}


def test_an_unknown_identification_on_the_new_receipt_marks_it_only(client, biller, meter, product):
    client.force_login(biller)
    params = {"identification": "999", "amount": "", "step": "confirm"}
    response = client.get(reverse("billing:new"), params)
    assert invalid_fields(response.content.decode()) == {"identification"}


def test_a_missing_amount_marks_the_amount_only(client, biller, customer, meter, product):
    client.force_login(biller)
    params = {"identification": customer.identification, "amount": "", "step": "confirm"}
    response = client.get(reverse("billing:new"), params)
    assert invalid_fields(response.content.decode()) == {"amount"}


@pytest.mark.parametrize("name", ["billing:report", "billing:cashup"])
def test_dates_in_the_wrong_order_mark_the_end_date_only(client, biller, name):
    client.force_login(biller)
    response = client.get(reverse(name), {"start": "2026-05-04", "end": "2026-05-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert invalid_fields(html) == {"end"} and "La fecha final es anterior a la inicial." in html
