"""Issuing a recharge: the seed's messages, license refusals, idempotency, TIDs and codes."""

import threading
import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from billing.models import AppendOnlyError, Receipt
from billing.services import RechargeError, recharge_issue
from customers.models import Meter
from licensing.models import License
from tests import factories as f
from tokens.services import decoder_key_for
from tokens.sts import ValidCode, decode, tid_from_datetime

BOGOTA = zoneinfo.ZoneInfo("America/Bogota")


def issue(biller, meter, amount="1500", key=None, **kw):
    return recharge_issue(biller=biller, meter=meter, amount=D(amount), idempotency_key=key or uuid.uuid4(), **kw)


def next_receipt(entity):
    return entity.current_license().next_receipt


def test_a_recharge_issues_a_numbered_receipt_with_a_code_for_the_meter(biller, meter, product):
    receipt = issue(biller, meter, "1549")
    assert receipt.number == 1
    assert (receipt.kwh, receipt.total, receipt.subtotal, receipt.iva) == (D("3.0"), D("1500"), D("1261"), D("239"))
    assert receipt.amount_received == D("1549")
    result = decode(decoder_key_for(meter), receipt.code)
    assert isinstance(result, ValidCode)
    assert result.amount == D("3.0")
    assert result.tid == receipt.tid
    meter.refresh_from_db()
    assert meter.last_tid == receipt.tid


def test_the_receipt_keeps_a_copy_of_price_rate_description_customer_and_meter(biller, meter, product, customer):
    receipt = issue(biller, meter)
    product.price_per_kwh = D("900")
    product.iva_percent = D("0")
    product.description = "Otra cosa"
    product.save()
    customer.full_name = "Nombre Cambiado"
    customer.save()
    receipt = Receipt.objects.get(pk=receipt.pk)
    assert (receipt.price_per_kwh, receipt.iva_percent, receipt.description) == (
        D("500"),
        D("19"),
        "Energía Eléctrica Kilo watt hora (KWH)",
    )
    assert (receipt.customer_name, receipt.customer_identification, receipt.meter_drn) == (
        "Usuario Prueba",
        "1234567890",
        meter.drn,
    )


def test_the_tid_is_the_minutes_since_the_meters_base_date_and_always_increases(biller, meter, product):
    when = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    with time_machine.travel(when, tick=False):
        first = issue(biller, meter)
        second = issue(biller, meter)
    assert first.tid == tid_from_datetime(when, 2014)
    assert second.tid == first.tid + 1  # same minute: last + 1
    # A code issued "in the past" (demo data) still gets a higher TID than the last one.
    third = issue(biller, meter, now=when - timedelta(days=1))
    assert third.tid == second.tid + 1


def test_a_meter_with_its_own_base_date_gets_tids_from_it(biller, customer, product):
    meter = f.make_meter(customer, base_date=2035)
    with pytest.raises(RechargeError, match="La fecha base del medidor"):
        issue(biller, meter)
    assert Receipt.objects.count() == 0


def test_an_expired_license_refuses_with_the_seeds_message_and_issues_nothing(biller, meter, product, entity):
    License.objects.filter(entity=entity).update(valid_until=datetime(2020, 7, 28, 23, 59, tzinfo=BOGOTA))
    before = next_receipt(entity)
    with pytest.raises(RechargeError) as excinfo:
        issue(biller, meter)
    assert str(excinfo.value) == "La licencia ha expirado el dia 2020-07-28 23:59:00"
    assert Receipt.objects.count() == 0
    assert next_receipt(entity) == before
    meter.refresh_from_db()
    assert meter.last_tid is None


def test_a_license_expires_at_its_minute_not_a_day_later(biller, meter, product, entity):
    valid_until = datetime(2026, 12, 31, 23, 59, tzinfo=BOGOTA)
    License.objects.filter(entity=entity).update(valid_until=valid_until)
    with time_machine.travel(valid_until - timedelta(seconds=1), tick=False):
        assert issue(biller, meter).number == 1
    with (
        time_machine.travel(valid_until + timedelta(seconds=1), tick=False),
        pytest.raises(RechargeError, match="La licencia ha expirado el dia 2026-12-31 23:59:00"),
    ):
        issue(biller, meter)
    assert Receipt.objects.count() == 1


def test_a_used_up_range_refuses_with_the_seeds_message_and_issues_nothing(biller, meter, product, entity):
    License.objects.filter(entity=entity).delete()
    f.make_license(entity, receipt_prefix="FE", receipt_from=7, receipt_to=8)
    assert [issue(biller, meter).full_number for _ in range(2)] == ["FE7", "FE8"]
    with pytest.raises(RechargeError) as excinfo:
        issue(biller, meter)
    assert str(excinfo.value) == "ha excedido la cantidad de comprobantes asignadas"
    assert Receipt.objects.count() == 2
    assert next_receipt(entity) == 9


def test_an_entity_without_a_license_issues_nothing(biller, meter, product, entity):
    License.objects.filter(entity=entity).delete()
    with pytest.raises(RechargeError, match="no tiene una licencia"):
        issue(biller, meter)
    assert Receipt.objects.count() == 0


def test_no_product_price_issues_nothing(biller, meter, entity):
    f.make_product(entity, price_per_kwh=None)
    with pytest.raises(RechargeError, match="El producto no tiene precio por kWh"):
        issue(biller, meter)
    assert Receipt.objects.count() == 0
    assert next_receipt(entity) == 1


def test_no_product_at_all_issues_nothing(biller, meter, entity):
    with pytest.raises(RechargeError, match="El producto no tiene precio por kWh"):
        issue(biller, meter)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("49", "no alcanza para 0,1 kWh"),
        ("-1500", "no puede ser negativo"),
        ("1000000000", "demasiado grande"),
        ("15.5", "sin decimales"),
    ],
)
def test_bad_amounts_issue_nothing(biller, meter, product, entity, amount, message):
    with pytest.raises(RechargeError, match=message):
        issue(biller, meter, amount)
    assert Receipt.objects.count() == 0
    assert next_receipt(entity) == 1


def test_an_inactive_meter_issues_nothing(biller, meter, product):
    Meter.objects.filter(pk=meter.pk).update(is_active=False)
    meter.refresh_from_db()
    with pytest.raises(RechargeError, match="no está activo"):
        issue(biller, meter)
    assert Receipt.objects.count() == 0


def test_another_entitys_meter_is_refused(biller, other_meter, product, other_entity):
    f.make_product(other_entity)
    with pytest.raises(RechargeError, match="no pertenece a su entidad"):
        issue(biller, other_meter)
    assert Receipt.objects.count() == 0


def test_a_price_change_between_confirmation_and_issue_issues_nothing(biller, meter, product):
    product.price_per_kwh = D("700")
    product.save()
    with pytest.raises(RechargeError, match="El precio cambió"):
        issue(biller, meter, "1500", expected_total=D("1500"))
    assert Receipt.objects.count() == 0


def test_the_same_idempotency_key_twice_gives_one_receipt(biller, meter, product, entity):
    key = uuid.uuid4()
    first = issue(biller, meter, key=key)
    second = issue(biller, meter, key=key)
    assert first.pk == second.pk
    assert second.code == first.code
    assert Receipt.objects.count() == 1
    assert next_receipt(entity) == 2


def test_another_entitys_idempotency_key_gets_nothing(biller, meter, product, other_entity, other_meter):
    f.make_product(other_entity)
    theirs = issue(f.make_user(other_entity), other_meter)
    with pytest.raises(RechargeError, match="La confirmación no es válida"):
        issue(biller, meter, key=theirs.idempotency_key)
    assert Receipt.objects.filter(entity=meter.entity).count() == 0


def test_a_failed_issue_leaves_no_trace_and_the_key_can_be_used_again(biller, meter, product, entity):
    key = uuid.uuid4()
    License.objects.filter(entity=entity).update(valid_until=timezone.now() - timedelta(minutes=1))
    with pytest.raises(RechargeError):
        issue(biller, meter, key=key)
    License.objects.filter(entity=entity).update(valid_until=timezone.now() + timedelta(days=1))
    assert issue(biller, meter, key=key).number == 1


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite's test database is not shared by threads"
)
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_submit_gives_one_receipt():
    """Two requests with the same key that both pass the first check: the second one answers
    with the first one's receipt (the meter lock or the unique key stops a second receipt)."""
    entity = f.make_entity()
    f.make_license(entity)
    f.make_product(entity)
    biller = f.make_user(entity)
    meter = f.make_meter(f.make_customer(entity))
    key = uuid.uuid4()
    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.append(issue(biller, meter, key=key).pk)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Receipt.objects.count() == 1
    assert entity.current_license().next_receipt == 2


def test_receipts_cannot_be_changed_or_deleted(biller, meter, product):
    receipt = issue(biller, meter)
    receipt.total = D("1")
    with pytest.raises(AppendOnlyError):
        receipt.save()
    with pytest.raises(AppendOnlyError):
        receipt.delete()
    with pytest.raises(AppendOnlyError):
        Receipt.objects.filter(pk=receipt.pk).update(total=D("1"))
    with pytest.raises(AppendOnlyError):
        Receipt.objects.all().delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        Receipt.objects.bulk_update([receipt], ["total"])
    assert Receipt.objects.get(pk=receipt.pk).total == D("1500")


def test_the_service_runs_in_its_own_transaction_inside_a_caller_transaction(biller, meter, product, entity):
    with transaction.atomic():
        receipt = issue(biller, meter)
    assert Receipt.objects.filter(pk=receipt.pk).exists()
