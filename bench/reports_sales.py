"""Benchmark: the sales report over 1,000,000 receipts on PostgreSQL, its PDF and its .xlsx.

Creates a separate database (`aom_bench_reports` by default), migrates it, bulk-loads the
receipts with COPY, measures, and drops the database at the end (also after a failure).

    .venv/bin/python bench/reports_sales.py [receipts]
    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python bench/reports_sales.py

Targets: summary (one aggregate query) under 300 ms; PDF of 1,000 rows under 5 s; .xlsx of
100,000 rows under 15 s. The PDF and the .xlsx go through their views with Django's test client.
"""

import io
import os
import platform
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("BENCH_DB", "aom_bench_reports")
os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aom.settings")
os.environ.setdefault("DEBUG", "1")  # development keys: the settings refuse to start without them otherwise

import logging  # noqa: E402
import warnings  # noqa: E402

warnings.filterwarnings("ignore")
logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its per-page progress lines

import psycopg2  # noqa: E402
from psycopg2 import sql  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
PDF_ROWS = 1_000
XLSX_ROWS = 100_000
START = date(2024, 1, 1)
DAYS = 730


def admin_connection():
    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    return conn


def create_db():
    conn = admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(DB_NAME)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    finally:
        conn.close()


def drop_db():
    from django.db import connections

    connections.close_all()
    conn = admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(DB_NAME)))
    finally:
        conn.close()


def timed(fn, repeat=7):
    fn()  # warm-up: caches, plans
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return result, statistics.median(times), max(times)


def load(entity, license, billers, meters, customers):
    """COPY N receipts spread over DAYS days. The last PDF_ROWS/XLSX_ROWS go to dedicated billers."""
    from django.db import connection

    from billing.models import Receipt

    cols = [f.column for f in Receipt._meta.concrete_fields if f.column != "id"]
    buf = io.StringIO()
    base = datetime(START.year, START.month, START.day, 5, 0, tzinfo=UTC)  # 00:00 in Bogotá
    pdf_biller, xlsx_biller = billers[-2], billers[-1]
    general = billers[:-2]
    step = DAYS * 86400 / N
    for i in range(N):
        if i < PDF_ROWS:
            biller = pdf_biller
        elif i < PDF_ROWS + XLSX_ROWS:
            biller = xlsx_biller
        else:
            biller = general[i % len(general)]
        m = meters[i % len(meters)]
        c = customers[i % len(customers)]
        total = 1000 + (i * 37) % 99000
        kwh = f"{total / 500:.1f}"
        subtotal = round(total / 1.19)
        issued = base + timedelta(seconds=i * step)
        buf.write(
            "\t".join(
                [
                    str(entity.pk),
                    str(license.pk),
                    "",
                    str(i + 1),
                    str(biller.pk),
                    str(c.pk),
                    str(m.pk),
                    c.full_name,
                    "CC",
                    c.identification,
                    c.phone,
                    m.drn,
                    "Energía Eléctrica Kilo watt hora (KWH)",
                    "500.00",
                    "19.00",
                    str(total),
                    kwh,
                    str(subtotal),
                    str(total - subtotal),
                    str(total),
                    str(i // len(meters) + 1),
                    f"{i:020d}",
                    issued.isoformat(),
                    str(uuid.uuid4()),
                ]
            )
            + "\n"
        )
    buf.seek(0)
    with connection.cursor() as cur:
        cur.cursor.copy_expert(
            sql.SQL("COPY billing_receipt ({}) FROM STDIN").format(sql.SQL(", ").join(map(sql.Identifier, cols))),
            buf,
        )
        cur.execute("VACUUM ANALYZE billing_receipt")
    return pdf_biller, xlsx_biller


def main():
    create_db()
    try:
        run()
    finally:
        drop_db()


def run():
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from aom.models import User
    from billing import reports
    from tests import factories as f

    call_command("migrate", verbosity=0)
    setup_test_environment(debug=False)
    entity = f.make_entity(name="Bench")
    license = f.make_license(entity, receipt_to=10 * N)
    f.make_product(entity)
    admin = f.make_user(entity, User.Role.ADMIN)
    billers = [f.make_user(entity, User.Role.BILLER) for _ in range(12)]
    customers = [f.make_customer(entity) for _ in range(500)]
    meters = [f.make_meter(c) for c in customers]
    t = time.perf_counter()
    pdf_biller, xlsx_biller = load(entity, license, billers, meters, customers)
    load_s = time.perf_counter() - t

    everything = reports.SalesFilter(entity, START, START + timedelta(days=DAYS))
    month = reports.SalesFilter(entity, date(2025, 3, 1), date(2025, 3, 31))
    day = reports.SalesFilter(entity, date(2025, 3, 10), date(2025, 3, 10))
    one_biller = reports.SalesFilter(entity, START, START + timedelta(days=DAYS), biller=billers[0])
    one_customer = reports.SalesFilter(entity, START, START + timedelta(days=DAYS), customer=customers[0])
    lines = [
        f"Sales report benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"PostgreSQL {connection.pg_version // 10000}, database {DB_NAME} (created and dropped)",
        "note: other work may have been loading the machine (2 cores shared) while this ran; "
        f"load average at the start of the measures: {os.getloadavg()[0]:.2f}",
        f"receipts: {N:,} over {DAYS} days, one entity, 12 billers, 500 customers; COPY load: {load_s:.1f} s",
        "",
        "page summary (count, total, kWh: one aggregate query), median / max of 7 runs after a warm-up:",
    ]
    for label, flt in [
        ("all meters, whole 2 years", everything),
        ("all meters, one month", month),
        ("all meters, one day", day),
        ("one biller, whole 2 years", one_biller),
        ("one customer, whole 2 years", one_customer),
    ]:
        totals, med, worst = timed(lambda flt=flt: reports.sales_summary(flt))
        ok = "OK" if worst < 0.3 else ("OK (median)" if med < 0.3 else "OVER TARGET")
        lines.append(
            f"  {label:30s} {totals.count:>9,} receipts  {med * 1000:7.1f} ms / {worst * 1000:7.1f} ms"
            f"  (target < 300 ms) -> {ok}"
        )

    client = Client()
    client.force_login(admin)
    span = {"start": START.isoformat(), "end": (START + timedelta(days=DAYS)).isoformat()}

    def pdf():
        r = client.get(reverse("billing:report_pdf"), {"filter_by": "biller", "biller": pdf_biller.pk, **span})
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        return r

    def xlsx():
        r = client.get(reverse("billing:report_xlsx"), {"filter_by": "biller", "biller": xlsx_biller.pk, **span})
        assert r.status_code == 200
        return r

    t = time.perf_counter()
    pdf()  # the first PDF of a process also imports WeasyPrint and loads its fonts
    pdf_cold = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    r = pdf()
    pdf_s, pdf_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    r2 = xlsx()
    xlsx_s, xlsx_cpu = time.perf_counter() - t, time.process_time() - c
    lines += [
        "",
        f"PDF of {PDF_ROWS:,} rows through the view (query + HTML + WeasyPrint): {pdf_s:.2f} s, "
        f"(CPU {pdf_cpu:.2f} s), {len(r.content) / 1024:,.0f} KiB (target < 5 s) -> {'OK' if pdf_s < 5 else 'OVER TARGET'}",
        f"  (the first PDF of the process, with the import of WeasyPrint: {pdf_cold:.2f} s)",
        f".xlsx of {XLSX_ROWS:,} rows through the view (write-only mode): {xlsx_s:.2f} s, "
        f"(CPU {xlsx_cpu:.2f} s), {len(r2.content) / 1024:,.0f} KiB (target < 15 s) -> {'OK' if xlsx_s < 15 else 'OVER TARGET'}",
    ]
    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF) SELECT count(*), sum(total), sum(kwh) FROM billing_receipt "
            "WHERE entity_id = %s AND issued_at >= %s AND issued_at < %s",
            [entity.pk, *reports.day_bounds(month.start, month.end)],
        )
        lines += ["", "plan of the one-month summary:"] + ["  " + row[0] for row in cur.fetchall()]
    print("\n".join(lines))
    (ROOT / "bench" / "results" / "reports_sales.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
