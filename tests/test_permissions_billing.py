"""Who may open each billing URL: anonymous → login, biller → 403 where admin-only, administrator
→ 200, another entity → 404 for objects, another biller's receipt → 404."""

import uuid
from decimal import Decimal as D

import pytest
from django.urls import reverse

from billing.models import Receipt
from billing.services import recharge_issue


@pytest.fixture
def receipt(biller, meter, product):
    return recharge_issue(biller=biller, meter=meter, amount=D("1500"), idempotency_key=uuid.uuid4())


def page_urls(receipt):
    """(name, url, admin only) for every GET page of the billing app."""
    return [
        ("index", reverse("billing:index"), False),
        ("new", reverse("billing:new"), False),
        ("lookup", reverse("billing:lookup") + "?identification=1234567890", False),
        ("quote", reverse("billing:quote") + "?amount=1500", False),
        ("product", reverse("billing:product"), True),
        ("done", reverse("billing:done", args=[receipt.pk]), False),
        ("receipt", reverse("billing:receipt", args=[receipt.pk, "58mm"]), False),
        ("receipt_pdf", reverse("billing:receipt_pdf", args=[receipt.pk, "58mm"]), False),
    ]


OBJECT_PAGES = {"done", "receipt", "receipt_pdf"}


def test_anonymous_visitors_are_sent_to_the_login_page(client, receipt):
    for name, url, _ in page_urls(receipt):
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
    for url in (reverse("billing:issue"), reverse("billing:product_save")):
        assert client.post(url).status_code == 302
    assert Receipt.objects.count() == 1


def test_a_biller_may_use_everything_but_the_product(client, biller, receipt):
    client.force_login(biller)
    for name, url, admin_only in page_urls(receipt):
        assert client.get(url).status_code == (403 if admin_only else 200), name
    assert client.post(reverse("billing:product_save"), {"price_per_kwh": "1"}).status_code == 403


def test_an_administrator_may_use_everything(client, admin, receipt):
    client.force_login(admin)
    for name, url, _ in page_urls(receipt):
        assert client.get(url).status_code == 200, name


def test_an_administrator_of_another_entity_does_not_find_the_receipt(client, other_admin, receipt):
    client.force_login(other_admin)
    for name, url, _ in page_urls(receipt):
        assert client.get(url).status_code == (404 if name in OBJECT_PAGES else 200), name
    assert receipt.prints.count() == 0


def test_a_biller_does_not_find_another_billers_receipt(client, other_biller, receipt):
    client.force_login(other_biller)
    for name, url, admin_only in page_urls(receipt):
        expected = 404 if name in OBJECT_PAGES else 403 if admin_only else 200
        assert client.get(url).status_code == expected, name


def test_the_operator_without_an_entity_is_refused(client, operator, receipt):
    client.force_login(operator)
    for name, url, _ in page_urls(receipt):
        assert client.get(url).status_code == 403, name


def test_a_biller_cannot_change_the_product(client, biller, product):
    client.force_login(biller)
    response = client.post(
        reverse("billing:product_save"), {"description": "x", "iva_percent": "0", "price_per_kwh": "1"}
    )
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.price_per_kwh == D("500")


def test_mutations_accept_only_post(client, admin):
    client.force_login(admin)
    assert client.get(reverse("billing:issue")).status_code == 405
    assert client.get(reverse("billing:product_save")).status_code == 405


def test_recording_a_print_is_a_post_for_the_receipts_owner_or_an_administrator(
    client, biller, other_biller, admin, other_admin, receipt
):
    url = reverse("billing:receipt_print", args=[receipt.pk, "58mm"])
    assert client.post(url).status_code == 302  # anonymous: to the login page
    for user, expected in ((other_biller, 404), (other_admin, 404), (biller, 200), (admin, 200)):
        client.force_login(user)
        assert client.post(url).status_code == expected, user.email
        assert client.get(url).status_code == 405
    assert receipt.prints.count() == 2
