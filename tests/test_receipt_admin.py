"""Receipts are append-only in the Django admin too: the operator may look, never add, change or delete."""

import uuid
from decimal import Decimal as D

import pytest
from django.urls import reverse

from billing.models import Receipt
from billing.services import recharge_issue


@pytest.fixture
def receipt(biller, meter, product):
    return recharge_issue(biller=biller, meter=meter, amount=D("1500"), idempotency_key=uuid.uuid4())


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def test_the_operator_sees_receipts_in_the_admin(operator_client, receipt):
    html = operator_client.get(reverse("admin:billing_receipt_changelist")).content.decode()
    assert receipt.customer_name in html
    assert "delete_selected" not in html  # no bulk delete action
    detail = operator_client.get(reverse("admin:billing_receipt_change", args=[receipt.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()  # read-only: no save button


def test_the_admin_cannot_add_change_or_delete_a_receipt(operator_client, receipt):
    assert operator_client.get(reverse("admin:billing_receipt_add")).status_code == 403
    response = operator_client.post(reverse("admin:billing_receipt_change", args=[receipt.pk]), {"total": "1"})
    assert response.status_code == 403
    assert (
        operator_client.post(reverse("admin:billing_receipt_delete", args=[receipt.pk]), {"post": "yes"}).status_code
        == 403
    )
    operator_client.post(
        reverse("admin:billing_receipt_changelist"), {"action": "delete_selected", "_selected_action": [receipt.pk]}
    )
    assert Receipt.objects.filter(pk=receipt.pk, total=D("1500")).exists()


def test_the_print_log_is_read_only_too(operator_client, receipt):
    assert operator_client.get(reverse("admin:billing_receiptprint_add")).status_code == 403
