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
