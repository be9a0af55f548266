"""Receipts and audit events are append-only in PostgreSQL itself: a trigger refuses an UPDATE or
a DELETE sent as raw SQL, past the ORM's and the admin's refusals. (CI runs tests/ on PostgreSQL.)"""

import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from aom import audit
from aom.models import AuditEvent
from billing.models import Receipt
from billing.services import recharge_issue

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only; run with DATABASE_URL"
    ),
]


@pytest.fixture
def receipt(biller, meter, product):
    return recharge_issue(biller=biller, meter=meter, amount=Decimal("5000"), idempotency_key=uuid.uuid4())


@pytest.fixture
def event(admin, customer):
    audit.record("login", actor=admin, entity=admin.entity, target=customer)
    return AuditEvent.objects.get()


def raw(sql: str, *params) -> None:
    # Each attempt in its own savepoint, so the test's transaction survives the refusal.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_raw_update_of_a_receipt_is_refused(receipt):
    with pytest.raises(IntegrityError, match="receipts are append-only: UPDATE refused"):
        raw("UPDATE billing_receipt SET total = 1, code = '0' WHERE id = %s", receipt.pk)
    stored = Receipt.objects.get(pk=receipt.pk)
    assert (stored.total, stored.code) == (receipt.total, receipt.code)


def test_a_raw_delete_of_a_receipt_is_refused(receipt):
    with pytest.raises(IntegrityError, match="receipts are append-only: DELETE refused"):
        raw("DELETE FROM billing_receipt WHERE id = %s", receipt.pk)
    assert Receipt.objects.filter(pk=receipt.pk).exists()


def test_new_receipts_are_still_written(receipt, biller, meter):
    again = recharge_issue(biller=biller, meter=meter, amount=Decimal("5000"), idempotency_key=uuid.uuid4())
    assert Receipt.objects.count() == 2 and again.number == receipt.number + 1


def test_a_raw_update_of_an_audit_event_is_refused(event):
    with pytest.raises(IntegrityError, match="audit events are append-only: UPDATE refused"):
        raw("UPDATE aom_auditevent SET action = 'nothing', actor_label = 'x' WHERE id = %s", event.pk)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.actor_label) == (event.action, event.actor_label)


def test_a_raw_delete_of_an_audit_event_is_refused(event):
    with pytest.raises(IntegrityError, match="audit events are append-only: DELETE refused"):
        raw("DELETE FROM aom_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
