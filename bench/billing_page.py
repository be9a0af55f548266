"""The "Facturación" page with 1,000,000 receipts in the entity: first page and filtered searches.

    .venv/bin/python bench/billing_page.py [--receipts 1000000] [--requests 60]

Sets up its own database (aom_bench_billing, dropped at the end), bulk-loads the receipts with
COPY (rows as the service writes them; the codes are random 20-digit strings, which is all the
page needs), starts gunicorn on 127.0.0.1 with production settings, and times sequential GETs
of the page through HTTP for each kind of request. Prints the figures and writes
bench/results/billing_page.txt. Target: p95 under 150 ms for the first page and for a filtered
search.
"""

import argparse
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from _server import GUNICORN, PASSWORD, ROOT, Session, percentile, psql, server_env, wait_for_server

DB_NAME = "aom_bench_billing"
PORT = int(os.getenv("BENCH_PORT", "8732"))
CUSTOMERS = 5000
BILLERS = 20

FIRST = ["María", "José", "Luz", "Carlos", "Ana", "Jorge", "Blanca", "Luis", "Rosa", "Pedro", "Gloria", "Fabio",
         "Martha", "Hernando", "Yolanda", "Diego", "Sandra", "Óscar", "Lucía", "Andrés"]  # fmt: skip
LAST = ["Rodríguez", "Gómez", "Martínez", "López", "Hernández", "García", "Sánchez", "Ramírez", "Torres", "Díaz",
        "Vargas", "Moreno", "Castro", "Rojas", "Ortiz", "Patiño", "Cárdenas", "Zuleta", "Quintero", "Becerra"]  # fmt: skip


def setup_environment(static_root: str) -> dict:
    """Production settings in this process too: it seeds the database through the ORM."""
    os.environ.update(server_env(DB_NAME, STATIC_ROOT=static_root))
    return dict(os.environ)


def luhn_complete(partial: str) -> str:
    from tokens.sts import luhn_digit

    return partial + luhn_digit(partial)


def seed(n_receipts: int) -> dict:
    """Entity, accounts, customers and meters through the ORM; the receipts with COPY."""
    from django.db import connection

    from aom.models import User
    from billing.models import Product
    from billing.money import quote
    from customers.models import Customer, Meter
    from licensing.models import Entity, License

    entity = Entity(name="Cooperativa Bench", nit="900000002", supply_group_code="123456")
    entity.set_vending_key(bytes.fromhex("abababababababab"))
    entity.save()
    license = License.objects.create(
        entity=entity,
        valid_until=datetime.now(UTC) + timedelta(days=30),
        max_customers=100000,
        receipt_prefix="FE",
        receipt_from=1,
        receipt_to=n_receipts + 100000,
    )
    product = Product.objects.create(entity=entity, price_per_kwh=Decimal("800"), iva_percent=Decimal("19"))
    admin = User.objects.create_user(
        email="admin@bench.example", password=PASSWORD, full_name="Admin", entity=entity, role=User.Role.ADMIN
    )
    billers = [
        User.objects.create_user(
            email=f"cajero{i}@bench.example", password=PASSWORD, full_name=f"Cajero {i}", entity=entity
        )
        for i in range(BILLERS)
    ]
    rng = random.Random(11)
    customers = Customer.objects.bulk_create(
        Customer(
            entity=entity,
            identification=str(1_000_000_000 + 7919 * i),
            full_name=f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}",
            phone=f"3{rng.randrange(10**9):09d}",
        )
        for i in range(CUSTOMERS)
    )
    meters = Meter.objects.bulk_create(
        Meter(entity=entity, customer=c, drn=luhn_complete(f"47{i:08d}")) for i, c in enumerate(customers)
    )
    quotes = [quote(Decimal(a), product.price_per_kwh, product.iva_percent) for a in (2000, 5000, 10000, 20000, 50000)]

    columns = (
        "entity_id, license_id, prefix, number, biller_id, customer_id, meter_id, customer_name, customer_id_type, "
        "customer_identification, customer_phone, meter_drn, description, price_per_kwh, iva_percent, "
        "amount_received, kwh, subtotal, iva, total, tid, code, issued_at, idempotency_key"
    )
    start = datetime.now(UTC) - timedelta(days=730)
    step = timedelta(days=730) / n_receipts
    sample = {}
    with connection.cursor() as cursor:
        chunk = 100_000
        for base in range(0, n_receipts, chunk):
            buf = io.StringIO()
            for i in range(base, min(base + chunk, n_receipts)):
                k = rng.randrange(CUSTOMERS)
                c, m, q = customers[k], meters[k], rng.choice(quotes)
                code = f"{rng.randrange(10**20):020d}"
                buf.write(
                    f"{entity.pk}\t{license.pk}\tFE\t{i + 1}\t{billers[rng.randrange(BILLERS)].pk}\t{c.pk}\t{m.pk}\t"
                    f"{c.full_name}\tCC\t{c.identification}\t{c.phone}\t{m.drn}\t{product.description}\t"
                    f"{q.price_per_kwh}\t{q.iva_percent}\t{q.amount_received}\t{q.kwh}\t{q.subtotal}\t{q.iva}\t"
                    f"{q.total}\t{1_000_000 + i}\t{code}\t{(start + step * i).isoformat()}\t{uuid.UUID(int=rng.getrandbits(128))}\n"
                )
                if i == n_receipts // 2:
                    sample = {"code": code, "identification": c.identification, "number": i + 1}
            buf.seek(0)
            cursor.copy_expert(f"COPY billing_receipt ({columns}) FROM STDIN", buf)
            print(f"    {min(base + chunk, n_receipts):>9,} receipts loaded", flush=True)
        cursor.execute("UPDATE licensing_license SET next_receipt = %s WHERE id = %s", [n_receipts + 1, license.pk])
        cursor.execute("ANALYZE")
    connection.close()
    return {"admin": admin.email, "biller": billers[0].email, **sample}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--receipts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per kind")
    args = parser.parse_args()

    load_before = os.getloadavg()
    static_root = tempfile.mkdtemp(prefix="aom-bench-static-")
    e = setup_environment(static_root)
    server = None
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(f"CREATE DATABASE {DB_NAME}")
    try:
        import django

        sys.path.insert(0, str(ROOT))
        django.setup()
        from django.core.management import call_command

        print("==> migrating", flush=True)
        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        print(f"==> loading {args.receipts:,} receipts", flush=True)
        t0 = time.perf_counter()
        info = seed(args.receipts)
        load_seconds = time.perf_counter() - t0

        server = subprocess.Popen(
            [GUNICORN, "aom.wsgi:application", "--bind", f"127.0.0.1:{PORT}", "--workers", "3", "--threads", "2",
             "--log-level", "warning"],
            cwd=ROOT, env=e, start_new_session=True,
        )  # fmt: skip
        wait_for_server(server, PORT)
        admin, biller = Session(PORT, timeout=60), Session(PORT, timeout=60)
        admin.login(info["admin"])
        biller.login(info["biller"])

        kinds = [
            ("first page (administrator)", admin, {}),
            ("first page (biller)", biller, {}),
            ("page 40 (administrator)", admin, {"page": 40}),
            ("filter: common surname", admin, {"q": "rodríguez"}),
            ("filter: two names", admin, {"q": "maría luz"}),
            ("filter: identification", admin, {"q": info["identification"]}),
            ("filter: code (2 groups)", admin, {"q": f"{info['code'][:4]} {info['code'][4:8]}"}),
            ("filter: receipt number", admin, {"q": str(info["number"])}),
            ("filter: no match", admin, {"q": "xyzzy"}),
            ("filter: surname (biller)", biller, {"q": "zuleta"}),
        ]
        results = []
        for name, session, params in kinds:
            path = "/facturacion/" + (f"?{urlencode(params)}" if params else "")
            status, _, html = session.request("GET", path)  # warm
            if status != 200:
                raise RuntimeError(f"{path}: {status}")
            rows = html.count('href="/facturacion/comprobante/')
            times = []
            for _ in range(args.requests):
                t = time.perf_counter()
                session.request("GET", path)
                times.append((time.perf_counter() - t) * 1000)
            results.append((name, rows, percentile(times, 50), percentile(times, 95), max(times)))
            print(
                f"    {name:32s} rows {rows:3d}  p50 {results[-1][2]:6.1f} ms  p95 {results[-1][3]:6.1f} ms", flush=True
            )

        load = os.getloadavg()
        first_p95 = max(r[3] for r in results if r[0].startswith("first page"))
        search_p95 = max(r[3] for r in results if r[0].startswith("filter"))
        lines = [
            f"billing_page — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"machine: {os.cpu_count()} CPUs; load average before {load_before[0]:.2f}, after (1/5/15 min) "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; other work may have been using the machine at the same time",
            f"data: {args.receipts:,} receipts in one entity ({CUSTOMERS} customers, {BILLERS} billers, two years), "
            f"loaded with COPY in {load_seconds:.0f} s; PostgreSQL, gunicorn --workers 3 --threads 2, DEBUG=0",
            f"each kind: {args.requests} sequential GETs through HTTP after one warm-up; 25 rows per page, no COUNT",
            "",
            f"{'request':34s} {'rows':>4s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}",
        ]
        lines += [f"{n:34s} {rows:4d} {p50:8.1f} {p95:8.1f} {mx:8.1f}" for n, rows, p50, p95, mx in results]
        lines += [
            "",
            f"target p95 < 150 ms — first page: {first_p95:.1f} ms ({'met' if first_p95 < 150 else 'NOT met'}); "
            f"filtered searches (worst kind): {search_p95:.1f} ms ({'met' if search_p95 < 150 else 'NOT met'})",
        ]
        text = "\n".join(lines) + "\n"
        print(text)
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "billing_page.txt").write_text(text)
        return 0
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(static_root, ignore_errors=True)
        try:
            from django.db import connection

            connection.close()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
            pass
        psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
