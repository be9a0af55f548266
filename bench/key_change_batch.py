"""Benchmark: a batch key change of every meter of an entity, and what key generations add to a sale.

Runs the real services against a fresh SQLite database in a temporary folder (or DATABASE_URL if
set): N meters (default 2,000) that never had a key change; the administrator moves the entity
to a new key revision (`start_batch`, which remembers each meter's current key), then the batch
is prepared chunk by chunk (`advance_batch`, one transaction per meter) as the progress page
does. Then 200 sales on meters with their key change pending (the receipt carries the two codes)
and 200 plain sales, to show what the key generation check adds to a sale.

    .venv/bin/python bench/key_change_batch.py [meters]
"""

import os
import platform
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="aom-bench-keychange-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aom.settings")

import warnings  # noqa: E402

warnings.filterwarnings("ignore")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from aom.models import User  # noqa: E402
from billing.services import recharge_issue  # noqa: E402
from customers.models import Customer, Meter  # noqa: E402
from tests import factories as f  # noqa: E402
from tokens import lifecycle  # noqa: E402
from tokens.models import MeterKey  # noqa: E402

METERS = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
SALES = 200


def main():
    call_command("migrate", verbosity=0)
    entity = f.make_entity()
    f.make_license(entity, max_customers=METERS + 10, receipt_to=10_000_000)
    f.make_product(entity)
    admin = f.make_user(entity, User.Role.ADMIN)
    biller = f.make_user(entity, User.Role.BILLER)
    customers = Customer.objects.bulk_create(
        Customer(entity=entity, identification=str(10_000_000 + i), full_name=f"Usuario {i}") for i in range(METERS)
    )
    Meter.objects.bulk_create(
        Meter(entity=entity, customer=c, drn=f.luhn_complete(f"48{i:08d}")) for i, c in enumerate(customers)
    )
    meters = list(Meter.objects.filter(entity=entity).order_by("pk"))

    def sell(meter):
        return recharge_issue(biller=biller, meter=meter, amount=Decimal("1000"), idempotency_key=uuid.uuid4())

    # Plain sales first (the first sale of a meter also records its first key generation).
    for m in meters[:SALES]:
        sell(m)
    t = time.perf_counter()
    for m in meters[:SALES]:
        sell(m)
    plain = (time.perf_counter() - t) / SALES

    t = time.perf_counter()
    batch = lifecycle.start_batch(admin=admin, key_revision=2, base_date=None)
    start_s = time.perf_counter() - t
    t = time.perf_counter()
    chunks = 0
    while batch.finished_at is None:
        batch = lifecycle.advance_batch(batch)
        chunks += 1
    advance_s = time.perf_counter() - t
    assert MeterKey.objects.filter(batch=batch).exclude(kct1="").count() == METERS

    t = time.perf_counter()
    for m in meters[:SALES]:
        assert sell(m).key_change is not None
    carrying = (time.perf_counter() - t) / SALES

    lines = [
        f"Key change batch benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work (a busy machine: figures are upper bounds).",
        f"Database: {'SQLite' if 'sqlite' in os.environ['DATABASE_URL'] else 'PostgreSQL'}",
        f"meters: {METERS}",
        f"start_batch (entity change + remember {METERS - SALES} meters' keys): {start_s:.2f} s",
        f"advance_batch ({chunks} chunks of {lifecycle.BATCH_CHUNK}): {advance_s:.2f} s "
        f"= {METERS / advance_s:.0f} meters/s",
        f"sale, plain (key generation checked): {plain * 1000:.1f} ms",
        f"sale carrying a pending key change: {carrying * 1000:.1f} ms",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    (ROOT / "bench" / "results" / "key_change_batch.txt").write_text(text)


if __name__ == "__main__":
    main()
