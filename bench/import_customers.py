"""Benchmark: the Excel import against its targets, and the reader chosen by measurement.

Each case runs in its own process (so that its memory is its own), through the real views
(upload → preview → confirm) with Django's test client, against a fresh SQLite database in a
temporary folder (or DATABASE_URL if set). Memory is the peak resident size above the process's
baseline just before the upload (sampled every 2 ms), which counts what the Rust reader
allocates too (tracemalloc would not).

    .venv/bin/python bench/import_customers.py          # every case, writes bench/results/
    .venv/bin/python bench/import_customers.py CASE     # one case, prints one JSON line

Targets (issue 8): any file under the size limit checked in under 2 s per 10,000 rows and under
150 MB of peak memory above the baseline; a sheet formatted down to row 1,048,576 costs no more
than its real rows; zip members past the limit refused before parsing.
"""

import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CUSTOMERS = 10_000
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 1024 / 1024


class PeakRss:
    """The highest resident size seen while the block runs, sampled every 2 ms."""

    def __enter__(self):
        self.base = rss_mb()
        self.peak = self.base
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.002)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss_mb())

    @property
    def above_base(self) -> float:
        return self.peak - self.base


# -- files -----------------------------------------------------------------------------------------
def headers():
    from customers.importer import COLUMNS

    return [c.spanish for c in COLUMNS]


def customer_row(i: int, meter: int) -> list:
    from tests import factories as f

    return [
        "CC",
        f"{3000000000 + i}",
        f"Usuario Importado {i}",
        f"300{i:07d}",
        f"usuario{i}@example.org",
        f"Vereda {i % 97}",
        "",
        f.luhn_complete(f"6{meter:09d}"),
        Decimal("10.0"),
        Decimal("2.5"),
        "15/01/2026",
        "Sí",
    ]


def ten_thousand_customers() -> bytes:
    """10,000 customers, every tenth with a second meter (11,000 rows), saved as Excel saves:
    shared strings and a <dimension>."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers())
    meter = 0
    for i in range(CUSTOMERS):
        for _ in range(2 if i % 10 == 0 else 1):
            meter += 1
            ws.append(customer_row(i, meter))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rezip(content: bytes, sheet_transform=None, extra=()) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and sheet_transform:
                with dst.open(item.filename, "w", force_zip64=True) as sink:
                    for part in sheet_transform(data):
                        sink.write(part)
                continue
            dst.writestr(item.filename, data)
        for name, data in extra:
            dst.writestr(name, data)
    return out.getvalue()


def _excel_dimension(head: bytes) -> bytes:
    """The <dimension> Excel writes for a sheet formatted down to the last row (openpyxl wrote
    the real rows' only, which lets its own reader stop early)."""
    import re

    return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:L1048576"/>', head)


def three_formatted_to_last_row() -> bytes:
    """Three customers, then every row down to 1,048,576 formatted, two styled empty cells each."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers())
    for i in range(3):
        ws.append(customer_row(i, i + 1))
    base = io.BytesIO()
    wb.save(base)

    def transform(data):
        head, tail = data.split(b"</sheetData>")
        yield _excel_dimension(head)
        batch = []
        for n in range(5, 1048577):
            batch.append(b'<row r="%d" s="1" customFormat="1"><c r="A%d" s="1"/><c r="B%d" s="1"/></row>' % (n, n, n))
            if len(batch) == 5000:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch) + b"</sheetData>" + tail

    return _rezip(base.getvalue(), transform)


def _three_customers_base() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers())
    for i in range(3):
        ws.append(customer_row(i, i + 1))
    base = io.BytesIO()
    wb.save(base)
    return base.getvalue()


def zip_bomb_at_limit() -> bytes:
    """Three customers, then formatted empty rows down to 1,048,576 with as many styled empty
    cells as fit: the worksheet inflates to just under the sheet limit (300 MB)."""
    from aom.lib.spreadsheet import MAX_SHEET_BYTES

    def transform(data):
        head, tail = data.split(b"</sheetData>")
        yield _excel_dimension(head)
        rows = 1048576 - 4
        per_row = (MAX_SHEET_BYTES - len(data) - 2 * 1024 * 1024) // rows
        # Cells without a reference follow each other (and compress well, as they would).
        cells = b'<c s="1"/>' * ((per_row - 48) // 10)
        batch = []
        for n in range(5, 1048577):
            batch.append(b'<row r="%d" s="1" customFormat="1">' % n + cells + b"</row>")
            if len(batch) == 2000:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch) + b"</sheetData>" + tail

    return _rezip(_three_customers_base(), transform)


def whitespace_bomb() -> bytes:
    """Three customers, then 300 MB of spaces inside the sheet data (no row to cut at)."""
    from aom.lib.spreadsheet import MAX_SHEET_BYTES

    def transform(data):
        head, tail = data.split(b"</sheetData>")
        yield _excel_dimension(head)
        room = MAX_SHEET_BYTES - len(data) - 1024
        chunk = b" " * (1024 * 1024)
        while room > len(chunk):
            yield chunk
            room -= len(chunk)
        yield b" " * room + b"</sheetData>" + tail

    return _rezip(_three_customers_base(), transform)


def shared_strings_bomb() -> bytes:
    """The issue's 1.2 MB file whose shared strings inflate to 1.2 GB."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers())
    ws.append(customer_row(1, 1))
    base = io.BytesIO()
    wb.save(base)
    src = zipfile.ZipFile(io.BytesIO(base.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            if item.filename != "xl/sharedStrings.xml":
                dst.writestr(item.filename, src.read(item.filename))
        with dst.open("xl/sharedStrings.xml", "w", force_zip64=True) as sink:
            sink.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            block = b"a" * (1024 * 1024)
            for _ in range(1200):
                sink.write(block)
            sink.write(b"</t></si></sst>")
    return out.getvalue()


def long_string_referenced_everywhere() -> bytes:
    """One 32,000-character shared string in the address cell of 10,000 rows: 320 MB of text
    in a reader that gives each cell its own copy of the string."""
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

    def cell(ref: str, text: str) -> bytes:
        return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), text.encode())

    def transform(data):
        head, tail = data.split(b"<sheetData>")[0], data.split(b"</sheetData>")[1]
        yield head + b"<sheetData>"
        yield b'<row r="1">' + b"".join(cell(f"{chr(65 + i)}1", h) for i, h in enumerate(headers())) + b"</row>"
        for n in range(2, CUSTOMERS + 2):
            values = [str(v) for v in customer_row(n, n)]
            cells = [cell(f"{chr(65 + i)}{n}", v) for i, v in enumerate(values) if i != 5]
            cells.insert(5, b'<c r="F%d" t="s"><v>0</v></c>' % n)
            yield b'<row r="%d">' % n + b"".join(cells) + b"</row>"
        yield b"</sheetData>" + tail

    sst = b"<sst " + ns + b' count="1" uniqueCount="1"><si><t>' + b"x" * 32000 + b"</t></si></sst>"
    rel = (
        b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    content = _rezip(_three_customers_base(), transform, extra=[("xl/sharedStrings.xml", sst)])
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", rel)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", override)
            dst.writestr(item.filename, data)
    return out.getvalue()


FILES = {
    "ten_thousand": ten_thousand_customers,
    "formatted": three_formatted_to_last_row,
    "zip_bomb_at_limit": zip_bomb_at_limit,
    "whitespace_bomb": whitespace_bomb,
    "shared_strings_bomb": shared_strings_bomb,
    "long_string": long_string_referenced_everywhere,
}


# -- one case, in its own process --------------------------------------------------------------------
def setup_django():
    tmp = tempfile.mkdtemp(prefix="aom-bench-import-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aom.settings")
    import warnings

    warnings.filterwarnings("ignore")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    call_command("migrate", verbosity=0)
    setup_test_environment(debug=False)


def run_case(name: str) -> dict:
    setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from aom.models import User
    from customers.models import Customer, Meter
    from tests import factories as f

    entity = f.make_entity(name="Bench")
    f.make_license(entity, max_customers=CUSTOMERS + 10)
    admin = f.make_user(entity, User.Role.ADMIN)
    client = Client()
    client.force_login(admin)
    client.get(reverse("customers:import"))  # warm: templates, translations, imports
    if name.startswith("reader_"):
        return reader_case(name)
    content = FILES[name]()
    upload = SimpleUploadedFile("usuarios.xlsx", content)
    with PeakRss() as mem:
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.post(reverse("customers:import"), {"file": upload})
        t1, c1 = time.perf_counter(), time.process_time()
    result = {
        "case": name,
        "file_kib": round(len(content) / 1024),
        "check_s": round(t1 - t0, 2),
        "check_cpu_s": round(c1 - c0, 2),
        "check_peak_mb_above_base": round(mem.above_base, 1),
        "status": response.status_code,
    }
    if response.status_code == 400:
        result["refused"] = " ".join(response.context["form"].errors["file"])
        return result
    errors = response.context["errors"]
    result["errors"] = len(errors)
    if response.context["token"]:
        with PeakRss() as mem:
            t2 = time.perf_counter()
            response = client.post(reverse("customers:import_confirm"), {"token": response.context["token"]})
            t3 = time.perf_counter()
        assert response.status_code == 302, response.status_code
        result["confirm_s"] = round(t3 - t2, 2)
        result["confirm_peak_mb_above_base"] = round(mem.above_base, 1)
        result["customers"] = Customer.objects.filter(entity=entity).count()
        result["meters"] = Meter.objects.filter(entity=entity).count()
    return result


def reader_case(name: str) -> dict:
    """Only reading the rows, each reader on its own: what the choice of reader rests on."""
    which, file_name = name.removeprefix("reader_").split(":")
    content = FILES[file_name]()
    with PeakRss() as mem:
        t0, c0 = time.perf_counter(), time.process_time()
        if which == "openpyxl":
            import openpyxl

            wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            rows = sum(1 for r in wb.worksheets[0].iter_rows(values_only=True) if any(v not in (None, "") for v in r))
            wb.close()
        elif which == "calamine":
            from python_calamine import CalamineWorkbook

            rows = len(CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python())
        else:  # ours: compacting streamer + calamine
            from aom.lib.spreadsheet import read_xlsx

            rows = len(read_xlsx(io.BytesIO(content))[0].rows)
        t1, c1 = time.perf_counter(), time.process_time()
    return {
        "case": name,
        "rows": rows,
        "read_s": round(t1 - t0, 2),
        "read_cpu_s": round(c1 - c0, 2),
        "peak_mb_above_base": round(mem.above_base, 1),
    }


CASES = [
    "ten_thousand",
    "formatted",
    "zip_bomb_at_limit",
    "whitespace_bomb",
    "shared_strings_bomb",
    "long_string",
    "reader_openpyxl:ten_thousand",
    "reader_calamine:ten_thousand",
    "reader_ours:ten_thousand",
    "reader_openpyxl:formatted",
    "reader_calamine:formatted",
    "reader_ours:formatted",
    "reader_calamine:long_string",
]


def main():
    if len(sys.argv) > 1:
        print(json.dumps(run_case(sys.argv[1])))
        return
    results = []
    for case in CASES:
        proc = subprocess.run(
            [sys.executable, __file__, case], capture_output=True, text=True, timeout=1200, cwd=ROOT, check=False
        )
        line = (
            proc.stdout.strip().splitlines()[-1]
            if proc.stdout.strip()
            else json.dumps({"case": case, "failed": proc.stderr[-500:]})
        )
        print(line, flush=True)
        results.append(json.loads(line))
    lines = [
        f"Import benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, database: "
        + ("DATABASE_URL" if "DATABASE_URL" in os.environ else "sqlite3 (temporary file)"),
        "note: run once on a busy machine (2 cores shared by several engineers' test runs); "
        f"load average at the end: {os.getloadavg()[0]:.2f}. *_s is wall-clock (inflated by the load), "
        "*_cpu_s the CPU time of the process.",
        "targets: check < 2 s per 10,000 rows and < 150 MB peak above the baseline, whatever the file.",
        "",
    ]
    lines += [json.dumps(r) for r in results]
    print("\n".join(lines))
    (ROOT / "bench" / "results" / "import_customers.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
