"""Many cashiers at once, on PostgreSQL: receipt numbers with no gap and no repeat, TIDs that
strictly increase per meter, and every code valid for its meter."""

import threading
import uuid
from collections import defaultdict
from decimal import Decimal as D

import pytest
from django.db import connection

from billing.models import Receipt
from billing.services import recharge_issue
from tests import factories as f
from tokens.services import decoder_key_for
from tokens.sts import ValidCode, decode

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (row locks under real concurrency); run with DATABASE_URL=postgres://…",
    ),
]

WORKERS = 8
RECHARGES = 400
AMOUNTS = [D(a) for a in ("50", "1500", "2750", "10000", "819250", "33333")]


@pytest.mark.django_db(transaction=True)
def test_eight_workers_issue_400_recharges_with_consecutive_numbers_and_valid_codes():
    entity = f.make_entity()
    f.make_license(entity, receipt_prefix="FE", receipt_from=1001, receipt_to=5000)
    f.make_product(entity, price_per_kwh=D("500"), iva_percent=D("19"))
    billers = [f.make_user(entity) for _ in range(4)]
    meters = [f.make_meter(f.make_customer(entity)) for _ in range(20)]
    jobs = [(billers[i % 4], meters[(i * 7) % 20], AMOUNTS[i % len(AMOUNTS)]) for i in range(RECHARGES)]
    errors = []
    start = threading.Barrier(WORKERS)

    def worker(share):
        try:
            start.wait()
            for biller, meter, amount in share:
                recharge_issue(biller=biller, meter=meter, amount=amount, idempotency_key=uuid.uuid4())
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(jobs[w::WORKERS],)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    receipts = list(Receipt.objects.filter(entity=entity).order_by("issued_at", "id"))
    assert len(receipts) == RECHARGES
    assert sorted(r.number for r in receipts) == list(range(1001, 1001 + RECHARGES))
    assert entity.current_license().next_receipt == 1001 + RECHARGES

    by_meter = defaultdict(list)
    for r in sorted(receipts, key=lambda r: r.number):
        by_meter[r.meter_id].append(r)
    keys = {m.pk: decoder_key_for(m) for m in meters}
    for meter_id, issued in by_meter.items():
        # Numbered in commit order per meter (the meter row lock), so TIDs rise with the number.
        tids = [r.tid for r in issued]
        assert tids == sorted(tids) and len(set(tids)) == len(tids), meter_id
        for r in issued:
            result = decode(keys[meter_id], r.code)
            assert isinstance(result, ValidCode)
            assert result.amount == r.kwh and result.tid == r.tid
    # Every amount went through the money rules (819250 at 500 is sold as 1638.4 kWh).
    assert {r.kwh for r in receipts if r.amount_received == D("819250")} == {D("1638.4")}
