"""Benchmark: import 10,000 customers with their meters from one .xlsx, end to end.

Runs the real views (upload → preview → confirm) with Django's test client against a fresh
SQLite database in a temporary folder (or DATABASE_URL if set), and reports the time of each
step, the process's peak RSS, and the peak of Python allocations (tracemalloc) while parsing
and validating.

    .venv/bin/python bench/import_customers.py [rows]

Target: under 10 s end to end for 10,000 rows, memory bounded (openpyxl read-only mode).
"""

import io
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="aom-bench-import-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aom.settings")
os.environ.setdefault("DEBUG", "1")  # development keys: the settings refuse to start without them otherwise
os.environ["AOM_IMPORT_DIR"] = TMP

import warnings  # noqa: E402

warnings.filterwarnings("ignore")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from aom.models import User  # noqa: E402
from customers import excel  # noqa: E402
from customers.models import Customer, Meter  # noqa: E402
from tests import factories as f  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


def make_file(n: int) -> bytes:
    # A normal workbook, as Excel or LibreOffice save one: shared strings and a <dimension>.
    # (openpyxl's write-only mode writes inline strings and no dimension, which its reader
    # parses about twice as slowly; the import accepts both.)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([str(c.header) for c in excel.COLUMNS])
    for i in range(n):
        ws.append(
            [
                "CC",
                f"{3000000000 + i}",
                f"Usuario Importado {i}",
                f"300{i:07d}",
                f"usuario{i}@example.org",
                f"Vereda {i % 97}",
                f.luhn_complete(f"61{i:08d}"),
                Decimal("10.0"),
                Decimal("2.5"),
                "2026-01-15",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    settings.AOM_IMPORT_DIR = TMP
    call_command("migrate", verbosity=0)
    setup_test_environment(debug=False)
    entity = f.make_entity(name="Bench")
    f.make_license(entity, max_customers=ROWS + 10)
    admin = f.make_user(entity, User.Role.ADMIN)
    content = make_file(ROWS)
    rss_before = rss_mb()

    client = Client()
    client.force_login(admin)
    upload = excel_file(content)
    t0 = time.perf_counter()
    response = client.post(reverse("customers:import"), {"file": upload})
    t1 = time.perf_counter()
    assert response.status_code == 200, response.status_code
    assert not response.context["errors"], response.context["errors"][:5]
    token = response.context["token"]
    response = client.post(reverse("customers:import_confirm"), {"token": token})
    t2 = time.perf_counter()
    assert response.status_code == 302, response.status_code
    assert Customer.objects.filter(entity=entity).count() == ROWS
    assert Meter.objects.filter(entity=entity).count() == ROWS
    rss_after = rss_mb()

    # Peak Python allocations while parsing and validating the same file (another entity, so
    # nothing is "already registered"); tracemalloc slows the code, so it is measured apart.
    other = f.make_entity(name="Bench 2")
    f.make_license(other, max_customers=ROWS + 10)
    tracemalloc.start()
    result = excel.parse_and_validate(io.BytesIO(content), other)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(result.rows) == ROWS

    lines = [
        f"Import benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}",
        "note: other work may have been loading the machine (2 cores shared) while this ran; "
        f"load average at the end: {os.getloadavg()[0]:.2f}",
        f"rows: {ROWS:,} customers with one meter each; file size: {len(content) / 1024:,.0f} KiB",
        f"upload + check + parse + validate (preview page): {t1 - t0:.2f} s",
        f"confirm: re-check against the database + insert, one transaction: {t2 - t1:.2f} s",
        f"end to end: {t2 - t0:.2f} s (target < 10 s) -> {'OK' if t2 - t0 < 10 else 'OVER TARGET'}",
        f"peak RSS of the process: {rss_after:,.0f} MiB (before the upload, with the generated file: {rss_before:,.0f} MiB)",
        f"tracemalloc peak while parsing and validating: {peak / 1024 / 1024:,.1f} MiB",
    ]
    print("\n".join(lines))
    out = ROOT / "bench" / "results" / "import_customers.txt"
    out.write_text("\n".join(lines) + "\n")


def excel_file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("usuarios.xlsx", content, content_type=excel.XLSX_CONTENT_TYPE)


if __name__ == "__main__":
    main()
