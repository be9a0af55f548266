"""Who may open the back-office pages: billers get 403 on admin-only pages, the operator and
anonymous visitors never see entity data."""

import pytest
from django.urls import reverse

ADMIN_ONLY = [
    "customers:import",
    "customers:import_template",
    "customers:export",
    "billing:subsidy",
    "billing:subsidy_pdf",
    "billing:subsidy_xlsx",
    "billing:dashboard",
]
MEMBERS = ["billing:report", "billing:report_pdf", "billing:report_xlsx", "billing:cashup"]


@pytest.mark.parametrize("name", ADMIN_ONLY)
def test_a_biller_gets_403_on_admin_only_pages(client, biller, name):
    client.force_login(biller)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ADMIN_ONLY + MEMBERS)
def test_an_admin_may_open_every_back_office_page(client, admin, product, name):
    client.force_login(admin)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", MEMBERS)
def test_a_biller_may_open_the_sales_report_and_cashup(client, biller, name):
    client.force_login(biller)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ADMIN_ONLY + MEMBERS)
def test_the_operator_without_entity_gets_403(client, operator, name):
    client.force_login(operator)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ADMIN_ONLY + MEMBERS)
def test_anonymous_visitors_are_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response.url


def test_only_an_admin_may_confirm_an_import(client, biller, operator):
    url = reverse("customers:import_confirm")
    assert client.post(url).status_code == 302 and "login" in client.post(url).url
    for user in (biller, operator):
        client.force_login(user)
        assert client.post(url, {"token": "x"}).status_code == 403
    assert client.get(url).status_code == 405


def test_an_admin_confirming_an_unknown_import_changes_nothing(client, admin):
    from customers.models import Customer

    client.force_login(admin)
    before = Customer.objects.count()
    response = client.post(reverse("customers:import_confirm"), {"token": "another-users-token"})
    assert response.status_code == 302 and response.url == reverse("customers:import")
    assert Customer.objects.count() == before


def test_only_an_admin_may_cancel_an_import(client, biller, operator):
    url = reverse("customers:import_cancel")
    assert client.post(url).status_code == 302 and "login" in client.post(url).url
    for user in (biller, operator):
        client.force_login(user)
        assert client.post(url, {"token": "x"}).status_code == 403
    assert client.get(url).status_code == 405
