"""Benchmark: the sales report over 1,000,000 receipts on PostgreSQL, its PDF and its .xlsx.

Creates a separate database (`aom_bench_reports` by default), migrates it, bulk-loads the
receipts with COPY, measures, and drops the database at the end (also after a failure).

    .venv/bin/python bench/reports_sales.py [receipts]
    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python bench/reports_sales.py

Targets: summary (one aggregate query) under 300 ms; PDF of 1,000 rows under 2 s, the first PDF
of a worker process included; .xlsx of 100,000 rows under 5 s. The PDF and the .xlsx go through
their views with Django's test client.

Side by side in the same run, on the same rows: the way before (WeasyPrint on the HTML
template kept in bench/sales_pdf_weasyprint.html; openpyxl in write-only mode) and the way the
views use now (ReportLab; aom.lib.xlsx), plus XlsxWriter in constant-memory mode, the other candidate for
the .xlsx. Each first PDF is measured in a
fresh Python process, from the first request (the URLconf, the views and the PDF library are
imported then, as in a new gunicorn worker). The two .xlsx files are read back and compared
cell by cell.
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
                    "",  # title: the default
                    "",  # resolution_text: none
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


def best_of(n, fn):
    best, result = None, None
    for _ in range(n):
        t = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def pdf_pages(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def weasyprint_pdf(f, user) -> bytes:
    """The sales report PDF the way it was drawn before: the HTML template through WeasyPrint."""
    from django.template import engines
    from django.utils import timezone
    from weasyprint import HTML

    from billing import reports

    template = engines["django"].from_string((ROOT / "bench" / "sales_pdf_weasyprint.html").read_text())
    html = template.render(
        {
            "filter": f,
            "filter_description": "Facturador",
            "rows": list(reports.sales_rows(f)),
            "totals": reports.sales_summary(f, detailed=True),
            "generated_by": user,
            "generated_at": timezone.localtime(),
            "entity": f.entity,
        }
    )
    return HTML(string=html).write_pdf()


def openpyxl_xlsx(f, user, description: str) -> bytes:
    """The sales .xlsx the way it was written before: openpyxl in write-only mode."""
    import openpyxl
    from django.utils.translation import gettext as _

    from aom.lib.spreadsheet import safe_cell, safe_value
    from billing import reports
    from billing.money import SPREADSHEET_FORMATS

    def typed(ws, value, number_format=None, bold=False):
        cell = safe_cell(ws, value)
        if number_format:
            cell.number_format = number_format
        if bold:
            cell.font = openpyxl.styles.Font(bold=True)
        return cell

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_("Ventas"))
    for letter, width in zip("ABCDEFG", (14, 30, 16, 20, 26, 10, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append([typed(ws, _("Reporte de ventas"), bold=True), safe_cell(ws, f.entity.name)])
    ws.append([safe_cell(ws, _("Generado por")), safe_cell(ws, f"{user.full_name} ({user.identification})")])
    ws.append([safe_cell(ws, _("Filtro")), safe_cell(ws, description)])
    ws.append([safe_cell(ws, _("Fecha inicial")), f.start, safe_cell(ws, _("Fecha final")), f.end])
    ws.append([])
    headers = [_("# Factura"), _("Cliente"), _("Identificación"), _("Fecha"), _("Facturador"), _("kWh"), _("Valor")]
    ws.append([typed(ws, h, bold=True) for h in headers])
    for r in reports.sales_rows(f):
        ws.append(
            [
                safe_value(ws, r.number),
                safe_value(ws, r.customer_name),
                safe_value(ws, r.customer_identification),
                r.issued_at.replace(tzinfo=None),
                safe_value(ws, r.biller_name),
                r.kwh,
                r.total,
            ]
        )
    t = reports.sales_summary(f, detailed=True)
    ws.append([])
    ws.append([typed(ws, _("Recargas"), bold=True), t.count])
    for label, value, kind in (("Total kWh", t.kwh, "kwh"), ("Subtotal", t.subtotal, "pesos"), ("IVA", t.iva, "pesos"),
                               ("Total", t.total, "pesos")):  # fmt: skip
        ws.append([typed(ws, _(label), bold=True), typed(ws, value, SPREADSHEET_FORMATS[kind])])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsxwriter_xlsx(f, user, description: str) -> bytes:
    """The sales .xlsx with XlsxWriter in constant-memory mode (the candidate measured against)."""
    from datetime import datetime, time

    import xlsxwriter
    from django.utils.translation import gettext as _

    from billing import reports
    from billing.money import SPREADSHEET_FORMATS

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    bold = wb.add_format({"bold": True})
    fmt = {name: wb.add_format({"num_format": code}) for name, code in SPREADSHEET_FORMATS.items()}
    bold_fmt = {name: wb.add_format({"bold": True, "num_format": code}) for name, code in SPREADSHEET_FORMATS.items()}
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws = wb.add_worksheet(_("Ventas"))
    for col, width in enumerate((14, 30, 16, 20, 26, 10, 14)):
        ws.set_column(col, col, width)
    ws.write_string(0, 0, _("Reporte de ventas"), bold)
    ws.write_string(0, 1, f.entity.name)
    ws.write_string(1, 0, _("Generado por"))
    ws.write_string(1, 1, f"{user.full_name} ({user.identification})")
    ws.write_string(2, 0, _("Filtro"))
    ws.write_string(2, 1, description)
    ws.write_string(3, 0, _("Fecha inicial"))
    ws.write_datetime(3, 1, datetime.combine(f.start, time.min), date)
    ws.write_string(3, 2, _("Fecha final"))
    ws.write_datetime(3, 3, datetime.combine(f.end, time.min), date)
    headers = [_("# Factura"), _("Cliente"), _("Identificación"), _("Fecha"), _("Facturador"), _("kWh"), _("Valor")]
    for col, h in enumerate(headers):
        ws.write_string(5, col, h, bold)
    row = 6
    text, number, moment = ws.write_string, ws.write_number, ws.write_datetime
    kwh, pesos = fmt["kwh"], fmt["pesos"]
    for r in reports.sales_rows(f):
        text(row, 0, r.number)
        text(row, 1, r.customer_name)
        text(row, 2, r.customer_identification)
        moment(row, 3, r.issued_at.replace(tzinfo=None), when)
        text(row, 4, r.biller_name)
        number(row, 5, r.kwh, kwh)
        number(row, 6, r.total, pesos)
        row += 1
    t = reports.sales_summary(f, detailed=True)
    row += 1
    for label, value, kind in (
        (_("Recargas"), t.count, "count"),
        (_("Total kWh"), t.kwh, "kwh"),
        (_("Subtotal"), t.subtotal, "pesos"),
        (_("IVA"), t.iva, "pesos"),
        (_("Total"), t.total, "pesos"),
    ):
        ws.write_string(row, 0, label, bold)
        ws.write_number(row, 1, value, bold_fmt[kind])
        row += 1
    wb.close()
    return out.getvalue()


def same_rows(new: bytes, old: bytes) -> str:
    """Compare the receipt rows and totals of two sales workbooks, value by value."""
    from datetime import datetime as dt
    from decimal import Decimal

    import openpyxl

    def rows(content):
        ws = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        out = []
        for row in ws.iter_rows(min_row=6, values_only=True):
            cells = []
            for v in row:
                if isinstance(v, float | int) and not isinstance(v, bool):
                    v = Decimal(str(v)).normalize()
                elif isinstance(v, dt):
                    v = v.replace(microsecond=0)
                cells.append(v)
            while cells and cells[-1] is None:
                cells.pop()
            out.append(tuple(cells))
        return out

    a, b = rows(new), rows(old)
    if a == b:
        return f"the same {len(a):,} rows (header, receipts, totals), value by value; kWh and pesos now formatted on every row"
    diff = next(i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y) if len(a) == len(b) else "length"
    return f"DIFFERENT (first difference at row {diff})"


FIRST_PDF = """
import os, sys, time
sys.path.insert(0, {root!r})
os.environ["DATABASE_URL"] = {db!r}
os.environ["DJANGO_SETTINGS_MODULE"] = "aom.settings"
import warnings; warnings.filterwarnings("ignore")
import django; django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
from aom.models import User
setup_test_environment(debug=False)
client = Client(); client.force_login(User.objects.get(pk={user}))
sys.path.insert(0, {bench!r})
if {way!r} == "old":
    import reports_sales as bench
    from billing import reports
    from datetime import date
    p = {params!r}
    u = User.objects.get(pk={user})
    f = reports.SalesFilter(u.entity, date.fromisoformat(p["start"]), date.fromisoformat(p["end"]),
                            biller=User.objects.get(pk=p["biller"]))
    t = time.perf_counter(); pdf = bench.weasyprint_pdf(f, u); elapsed = time.perf_counter() - t
else:
    t = time.perf_counter(); pdf = client.get("/facturacion/reporte/pdf/", {params!r}).content
    elapsed = time.perf_counter() - t
assert pdf.startswith(b"%PDF")
print(elapsed)
"""


def first_pdf_in_new_process(way: str, user_pk: int, params: dict) -> float:
    """Seconds of the first PDF of a new process (Django set up, nothing else imported yet)."""
    import subprocess

    code = FIRST_PDF.format(
        root=str(ROOT), db=os.environ["DATABASE_URL"], user=user_pk, way=way, params=params, bench=str(ROOT / "bench")
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


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

    params = {"filter_by": "biller", "biller": pdf_biller.pk, **span}
    cold_new = first_pdf_in_new_process("new", admin.pk, params)
    cold_old = first_pdf_in_new_process("old", admin.pk, params)
    warm_new, new_bytes = best_of(3, lambda: pdf().content)
    f_pdf = reports.SalesFilter(entity, START, START + timedelta(days=DAYS), biller=pdf_biller)
    warm_old, old_bytes = best_of(3, lambda: weasyprint_pdf(f_pdf, admin))
    (ROOT / "bench" / "results" / "reports_sales_reportlab.pdf").write_bytes(new_bytes)

    t, c = time.perf_counter(), time.process_time()
    r2 = xlsx()
    xlsx_s, xlsx_cpu = time.perf_counter() - t, time.process_time() - c
    f_xlsx = reports.SalesFilter(entity, START, START + timedelta(days=DAYS), biller=xlsx_biller)
    t, c = time.perf_counter(), time.process_time()
    old_xlsx = openpyxl_xlsx(f_xlsx, admin, "bench")
    old_xlsx_s, old_xlsx_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    xw_xlsx = xlsxwriter_xlsx(f_xlsx, admin, "bench")
    xw_xlsx_s, xw_xlsx_cpu = time.perf_counter() - t, time.process_time() - c
    same = same_rows(r2.content, old_xlsx)
    same_xw = same_rows(xw_xlsx, old_xlsx)

    def verdict(seconds, target):
        return "OK" if seconds < target else "OVER TARGET"

    lines += [
        "",
        f"PDF of {PDF_ROWS:,} rows through the view (query + drawing), target < 2 s including the first of a process:",
        f"  before, WeasyPrint (HTML template): first of a process {cold_old:.2f} s, then {warm_old:.2f} s "
        f"(best of 3), {len(old_bytes) / 1024:,.0f} KiB -> {verdict(cold_old, 2)}",
        f"  now, ReportLab:                     first of a process {cold_new:.2f} s, then {warm_new:.2f} s "
        f"(best of 3), {len(new_bytes) / 1024:,.0f} KiB -> {verdict(cold_new, 2)}",
        f"  both: letter pages, header block, header row repeated on each page, 'Página N de M' and the "
        f"entity at the foot, totals; pages: WeasyPrint {pdf_pages(old_bytes)}, ReportLab {pdf_pages(new_bytes)}",
        f".xlsx of {XLSX_ROWS:,} rows, target < 5 s:",
        f"  before, openpyxl write-only (lxml): {old_xlsx_s:.2f} s (CPU {old_xlsx_cpu:.2f} s), "
        f"{len(old_xlsx) / 1024:,.0f} KiB -> {verdict(old_xlsx_s, 5)}",
        f"  candidate, XlsxWriter constant memory: {xw_xlsx_s:.2f} s (CPU {xw_xlsx_cpu:.2f} s), "
        f"{len(xw_xlsx) / 1024:,.0f} KiB -> {verdict(xw_xlsx_s, 5)}; read back against openpyxl's: {same_xw}",
        f"  now, aom.lib.xlsx (rows formatted straight into the sheet's XML), through the view: {xlsx_s:.2f} s "
        f"(CPU {xlsx_cpu:.2f} s), {len(r2.content) / 1024:,.0f} KiB -> {verdict(xlsx_s, 5)}",
        f"  read back against openpyxl's: {same}",
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
