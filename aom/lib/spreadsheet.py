"""Spreadsheets (.xlsx) in and out: the helpers every import and export share.

Reading, with resources bounded whatever the file holds:

    sheets = read_xlsx(uploaded_file)      # SpreadsheetRefused with a message for the user
    for sheet in sheets:                   # visible worksheets only, in the workbook's order
        sheet.name, sheet.rows             # rows of cell values from A1 (row 0 is row 1)
        sheet.error_at(row, col)           # "#N/A", "#REF!"... or None

How, and why so (measured in bench/import_customers.py, results in bench/results/):

1. The zip is checked before any XML is parsed: a plain .xlsx (no macros, no encryption, no
   old .xls), at most MAX_UPLOAD_BYTES, and every part we read at most MAX_SHEET_BYTES
   (worksheets) or MAX_PART_BYTES (shared strings, styles, the workbook) once uncompressed,
   by the sizes the zip declares; the real sizes are counted again while inflating, so a zip
   that lies stops at the limit.
2. Each worksheet is inflated once, as a stream, and the runs of rows that hold no value (a
   sheet "formatted" down to row 1,048,576) are dropped there, in C-speed byte searches, without
   parsing them. What is kept is scanned for its cells: their count, the text they expand to
   (shared strings included: one long string referenced 300,000 times is a bomb too) and the
   error cells, each against a limit.
3. What remains, a small workbook of the parts a reader needs, is read by python-calamine (Rust):
   about ten times faster than openpyxl's read-only mode on the same rows, and the values it
   returns are the ones the spreadsheet shows (a formula's cached value; a formula that shows
   nothing is an empty cell). calamine turns error cells into "", so step 2 keeps their names.

Writing: `safe_cell`/`safe_value` keep text from ever being run as a formula.
"""

import functools
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SHEET_BYTES = 300 * 1024 * 1024  # a sheet formatted down to row 1,048,576 inflates to ~280 MB
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_KEPT_BYTES = 64 * 1024 * 1024  # the rows that hold values, all sheets together
MAX_VALUE_CELLS = 400_000
MAX_TEXT_BYTES = 24 * 1024 * 1024
# The reader holds a sheet as a full grid from A1 to its last cell: one value in XFD1048576
# would be seventeen thousand million cells. Rows × columns up to the last value, at most:
MAX_GRID_CELLS = 2_000_000
CHUNK = 1024 * 1024

# The parts a reader needs; drawings, images, comments, pivot caches and the like are never read.
_KEEP_PARTS = re.compile(
    r"^(\[Content_Types\]\.xml|_rels/\.rels|xl/_rels/workbook\.xml\.rels|xl/workbook\.xml|"
    r"xl/styles\.xml|xl/sharedStrings\.xml|xl/worksheets/[^/]+\.xml)$"
)
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")


class SpreadsheetRefused(Exception):
    """The file cannot be read as a spreadsheet. The message is for the user."""


@dataclass
class Sheet:
    name: str
    rows: list[list]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)

    def error_at(self, row: int, col: int) -> str | None:
        return self.errors.get((row, col))


# -- reading ---------------------------------------------------------------------------------------
def read_xlsx(f) -> list[Sheet]:
    """The visible worksheets of an uploaded .xlsx, within the limits above."""
    zf = _open_zip(f)
    try:
        compact, errors_by_part = _compact_workbook(zf)
    finally:
        zf.close()
    return _read_compact(compact, errors_by_part)


def _refuse_not_xlsx():
    return SpreadsheetRefused(_("El archivo no es un libro de Excel (.xlsx). Descargue la plantilla y úsela."))


def _refuse_damaged():
    return SpreadsheetRefused(_("El archivo está dañado y no se puede leer."))


def _mb(n: int) -> str:
    return f"{n // (1024 * 1024)}"


def _open_zip(f) -> zipfile.ZipFile:
    """Refuse anything but a plain .xlsx, reading the content (never trusting the name)."""
    size = getattr(f, "size", None)
    if size is None:
        f.seek(0, io.SEEK_END)
        size = f.tell()
    if size > MAX_UPLOAD_BYTES:
        raise SpreadsheetRefused(_("El archivo pesa más de %(mb)s MB.") % {"mb": _mb(MAX_UPLOAD_BYTES)})
    if size == 0:
        raise SpreadsheetRefused(_("El archivo está vacío."))
    f.seek(0)
    head = f.read(8)
    f.seek(0)
    if head == OLE_MAGIC:
        raise SpreadsheetRefused(
            _(
                "El archivo está protegido con contraseña o es un libro de Excel antiguo (.xls). "
                "Guárdelo como libro de Excel (.xlsx) sin contraseña."
            )
        )
    if not zipfile.is_zipfile(f):
        raise _refuse_not_xlsx()
    f.seek(0)
    try:
        zf = zipfile.ZipFile(f)
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names:
            raise _refuse_not_xlsx()
        content_types = _read_part(zf, zf.getinfo("[Content_Types].xml")).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, EOFError) as exc:
        raise _refuse_damaged() from exc
    if MACRO_MAIN in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise SpreadsheetRefused(
            _("El archivo contiene macros (.xlsm). Guárdelo como libro de Excel (.xlsx) sin macros.")
        )
    if SHEET_MAIN not in content_types:
        raise _refuse_not_xlsx()
    if len(infos) > MAX_MEMBERS:
        raise _refuse_damaged()
    for info in infos:
        if not _KEEP_PARTS.match(info.filename):
            continue
        limit = MAX_SHEET_BYTES if _SHEET_PART.match(info.filename) else MAX_PART_BYTES
        if info.file_size > limit:
            raise _refuse_too_big(limit)
    return zf


def _refuse_too_big(limit: int):
    return SpreadsheetRefused(
        _("El archivo contiene una parte que al descomprimirse pasa de %(mb)s MB: no se lee.") % {"mb": _mb(limit)}
    )


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int = MAX_PART_BYTES) -> bytes:
    with zf.open(info) as src:
        data = src.read(limit + 1)
    if len(data) > limit:
        raise _refuse_too_big(limit)
    return data


@dataclass
class _Budget:
    kept: int = 0
    cells: int = 0
    text: int = 0

    def spend(self, kept=0, cells=0, text=0):
        self.kept += kept
        self.cells += cells
        self.text += text
        if self.cells > MAX_VALUE_CELLS:
            raise SpreadsheetRefused(
                _("El archivo tiene más de %(n)s celdas con datos.") % {"n": f"{MAX_VALUE_CELLS:,}".replace(",", ".")}
            )
        if self.text > MAX_TEXT_BYTES or self.kept > MAX_KEPT_BYTES:
            raise SpreadsheetRefused(
                _("El archivo tiene más de %(mb)s MB de datos.") % {"mb": _mb(min(MAX_TEXT_BYTES, MAX_KEPT_BYTES))}
            )


_SI = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)


def _compact_workbook(zf: zipfile.ZipFile) -> tuple[bytes, dict[str, dict]]:
    """A new in-memory workbook of the parts a reader needs, the empty rows of each sheet left
    out; and, per sheet part, its error cells {(row, col): name}."""
    out = io.BytesIO()
    budget = _Budget()
    string_lengths: list[int] = []
    errors_by_part: dict[str, dict] = {}
    try:
        infos = [i for i in zf.infolist() if _KEEP_PARTS.match(i.filename)]
        sheets = [i for i in infos if _SHEET_PART.match(i.filename)]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
            for info in infos:
                if info in sheets:
                    continue
                data = _read_part(zf, info)
                budget.spend(kept=len(data))
                if info.filename == "xl/sharedStrings.xml":
                    string_lengths = [len(m.group(1) or b"") for m in _SI.finditer(data)]
                dst.writestr(info.filename, data)
            for info in sheets:
                with zf.open(info) as src, dst.open(info.filename, "w") as sink:
                    errors_by_part[info.filename] = _compact_sheet(src, sink, budget, string_lengths)
    except SpreadsheetRefused:
        raise
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, EOFError, ValueError) as exc:
        raise _refuse_damaged() from exc
    return out.getvalue(), errors_by_part


def _compact_sheet(src, sink, budget: _Budget, string_lengths: list[int]) -> dict:
    """Copy a worksheet's XML from `src` to `sink`, leaving out the runs of rows that hold no
    value, and scan the rows kept. Reads at most MAX_SHEET_BYTES from `src`."""
    first = src.read(CHUNK)
    m = re.search(rb"<(\w+:)?worksheet\b", first[:4096])
    p = (m.group(1) or b"") if m else b""
    row_tag, data_open, data_close = b"<" + p + b"row", b"<" + p + b"sheetData", b"</" + p + b"sheetData>"
    # A cell holding a value always has a closing tag; an empty formatted cell is "<c …/>".
    closed_cell = b"</" + p + b"c>"
    numbered_row = row_tag + b' r="'
    compacting = None  # decided on the first rows: only rows that carry their number are left out
    pe = re.escape(p)
    empty_rows = re.compile(rb"<" + pe + rb"row\b[^>]*?(?:/>|>(?:\s*<" + pe + rb"c\b[^>]*?/>)*\s*</" + pe + rb"row>)")
    scanner = _CellScanner(p, string_lengths, budget)
    total = len(first)
    buffer = first
    state = "head"  # head → rows → tail

    def keep(data: bytes) -> None:
        if data:
            budget.spend(kept=len(data))
            sink.write(data)

    def emit_rows(region: bytes) -> None:
        # A run of whole rows: kept only if some cell in it may hold a value. Rows without
        # their number (r="…") are all kept: leaving one out would renumber the next.
        nonlocal compacting
        if compacting is None and row_tag in region:
            compacting = region.count(row_tag) == region.count(numbered_row)
        if not compacting or closed_cell in region:
            if compacting:  # a run that mixes rows with values and empty formatted rows
                region = empty_rows.sub(b"", region)
            scanner.scan(region)
            keep(region)

    while True:
        if state == "head":
            i = buffer.find(data_open)
            if i >= 0:
                j = buffer.find(b">", i)
                if j >= 0:
                    keep(buffer[: j + 1])
                    state = "tail" if buffer[j - 1 : j] == b"/" else "rows"  # <sheetData/>: no rows
                    buffer = buffer[j + 1 :]
                    continue
            elif len(buffer) > MAX_PART_BYTES:
                raise _refuse_damaged()
        elif state == "rows":
            end = buffer.find(data_close)
            if end >= 0:
                emit_rows(buffer[:end])
                buffer = buffer[end:]
                state = "tail"
                continue
            cut = buffer.rfind(row_tag)
            if cut > 0:
                emit_rows(buffer[:cut])
                buffer = buffer[cut:]
            elif len(buffer) > MAX_PART_BYTES:  # one row (or filler between rows) of more than 16 MB
                raise SpreadsheetRefused(
                    _("Una fila de la hoja ocupa más de %(mb)s MB: no se lee.") % {"mb": _mb(MAX_PART_BYTES)}
                )
        else:
            keep(buffer)
            buffer = b""
        chunk = src.read(CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > MAX_SHEET_BYTES:
            raise _refuse_too_big(MAX_SHEET_BYTES)
        buffer += chunk
    if state == "rows":
        emit_rows(buffer)
    else:
        keep(buffer)
    return scanner.errors


_DIGITS = re.compile(rb"[0-9]{1,7}")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_TYPE = re.compile(rb'\bt="(\w+)"')


class _CellScanner:
    """Counts the cells holding a value in rows about to be kept, the text they expand to, and
    notes the error cells by position (0-based row and column)."""

    def __init__(self, prefix: bytes, string_lengths: list[int], budget: _Budget):
        p = re.escape(prefix)
        self.cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(?<!/)>(.*?)</" + p + rb"c>", re.S)
        self.value = re.compile(rb"<" + p + rb"v>([^<]*)</" + p + rb"v>")
        self.string_lengths = string_lengths
        self.shared_ref = re.compile(rb't="s"[^>]*>\s*<' + p + rb"v>([0-9]{1,9})</" + p + rb"v>")
        self.closed = b"</" + prefix + b"c>"
        self.row_tag = b"<" + prefix + b"row"
        self.numbered_row = b"<" + prefix + b'row r="'
        # Cells that hold something have a closing tag; their column, from their reference.
        self.cell_column = re.compile(rb"<" + p + rb'c r="([A-Z]{1,3})[0-9]+"[^>]*?(?<!/)>')
        self.max_row = self.max_col = 0
        self.budget = budget
        self.errors: dict[tuple[int, int], str] = {}

    def scan(self, region: bytes) -> None:
        self._extent(region)
        self._scan(region)

    def _extent(self, region: bytes) -> None:
        """The last row and column holding something, against MAX_GRID_CELLS."""
        last = region.rfind(self.numbered_row)
        if last >= 0:
            m = _DIGITS.match(region, last + len(self.numbered_row))
            if m:
                self.max_row = max(self.max_row, int(m.group(0)))
        else:
            self.max_row += region.count(self.row_tag)
        for letters in set(self.cell_column.findall(region)):
            self.max_col = max(self.max_col, _column_index(letters) + 1)
        if self.max_row * self.max_col > MAX_GRID_CELLS:
            raise SpreadsheetRefused(
                _("La hoja tiene datos demasiado lejos (hasta la fila %(row)s, columna %(col)s): bórrelos.")
                % {"row": f"{self.max_row:,}".replace(",", "."), "col": self.max_col}
            )

    def _scan(self, region: bytes) -> None:
        # Fast path, in C-speed searches: the cells, and the shared strings they reference.
        # Each cell is looked at only where there are errors or inline text, or where the
        # shared-string references are not written the usual way.
        if b't="e"' not in region and b't="inlineStr"' not in region and b't="str"' not in region:
            refs = self.shared_ref.findall(region)
            if len(refs) == region.count(b't="s"'):
                lengths, n = self.string_lengths, len(self.string_lengths)
                text = sum(lengths[i] if i < n else 0 for i in map(int, refs))
                self.budget.spend(cells=region.count(self.closed), text=text)
                return
        cells = text = 0
        lengths = self.string_lengths
        for m in self.cell.finditer(region):
            attrs, content = m.group(1), m.group(2)
            cells += 1
            t = _CELL_TYPE.search(attrs)
            kind = t.group(1) if t else b"n"
            if kind == b"s":
                v = self.value.search(content)
                if v and v.group(1).isdigit():
                    index = int(v.group(1))
                    text += lengths[index] if index < len(lengths) else 0
            elif kind in (b"inlineStr", b"str"):
                text += len(content)
            elif kind == b"e":
                v = self.value.search(content)
                ref = _CELL_REF.search(attrs)
                if v and ref:
                    self.errors[(int(ref.group(2)) - 1, _column_index(ref.group(1)))] = v.group(1).decode(
                        "ascii", "replace"
                    )
        self.budget.spend(cells=cells, text=text)


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s[^>]*?\s\w+:id=\"([^\"]+)\"")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_REL_ID = re.compile(rb"\sId=\"([^\"]+)\"")
_REL_TARGET = re.compile(rb"\sTarget=\"([^\"]+)\"")


def _sheet_parts(zf: zipfile.ZipFile) -> list[str]:
    """The part of each sheet, in the workbook's order (to find its error cells). Read with
    patterns, not an XML parser: these two small parts only name things."""
    try:
        workbook = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return []
    targets = {}
    for tag in _REL_TAG.finditer(rels):
        rid, target = _REL_ID.search(tag.group(0)), _REL_TARGET.search(tag.group(0))
        if rid and target:
            t = target.group(1).decode("utf-8", "replace")
            targets[rid.group(1)] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    return [targets.get(m.group(1), "") for m in _SHEET_TAG.finditer(workbook)]


def _read_compact(compact: bytes, errors_by_part: dict[str, dict]) -> list[Sheet]:

    with zipfile.ZipFile(io.BytesIO(compact)) as zf:
        parts = _sheet_parts(zf)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(compact))
        sheets = []
        for i, meta in enumerate(wb.sheets_metadata):
            if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
                continue
            rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            errors = errors_by_part.get(parts[i], {}) if i < len(parts) else {}
            sheets.append(Sheet(meta.name, rows, errors))
        wb.close()
    except Exception as exc:  # CalamineError and the reader's other kinds (XmlError, ZipError…)
        raise _refuse_damaged() from exc
    return sheets


# -- cell values -----------------------------------------------------------------------------------
class CellError(ValueError):
    """A cell's value cannot be read as asked; the message is for the user."""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def norm_header(text) -> str:
    return _norm_header(str(text or "")[:200])


@functools.lru_cache(maxsize=1024)  # headers and yes/no words repeat on every row
def _norm_header(text: str) -> str:
    """A header compared without case, accents, punctuation or what is in parentheses:
    "Subsidio mensual (kWh)" → "subsidio mensual"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"\([^)]*\)", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def whole_number_text(value) -> str:
    """A cell holding a whole number typed as a number → its digits ("1100000000")."""
    if isinstance(value, bool):
        raise CellError(_("Escriba un número, no VERDADERO o FALSO."))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Escriba un número entero."))
        if abs(value) >= 1e15:
            raise CellError(
                _(
                    "El número tiene más de 15 cifras y Excel ya lo cambió. "
                    "Dele formato de texto a la columna y escríbalo de nuevo."
                )
            )
        return str(int(value))
    if isinstance(value, int):
        if abs(value) >= 10**15:
            raise CellError(_("El número tiene más de 15 cifras."))
        return str(value)
    raise TypeError(value)


def cell_text(value) -> str:
    """Any cell as the text a person sees (numbers without their ".0")."""
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def cell_decimal(value):
    """A number cell as the Decimal a person typed: Excel keeps 15 significant digits, so
    10.000000000000002 is 10. Text is returned as it is (for the one number parser)."""
    if isinstance(value, bool):
        raise CellError(_("Escriba un número, no VERDADERO o FALSO."))
    if isinstance(value, float):
        return Decimal(f"{value:.15g}")
    if isinstance(value, int):
        return Decimal(value)
    return value


_EXCEL_EPOCH = date(1899, 12, 30)
_DMY = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$")
_YMD = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


def cell_date(value) -> date | None:
    """An Excel date, a date serial number, dd/mm/aaaa or aaaa-mm-dd text → a date."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool):
        if not 1 <= value < 2958466:  # 1900-01-01 .. 9999-12-31
            raise CellError(_("Fecha no válida: use DD/MM/AAAA."))
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    try:
        if m := _DMY.match(text):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _YMD.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    raise CellError(_("Fecha no válida: use DD/MM/AAAA."))


# -- writing ---------------------------------------------------------------------------------------
def safe_cell(ws, value):
    """A write-only cell whose text a spreadsheet shows as text, never runs as a formula."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def safe_value(ws, value):
    """`value` ready for a write-only row, fast: openpyxl stores every str as a string cell
    (never evaluated, whatever "+", "-" or "@" it starts with) except one that starts with "=",
    which it would turn into a formula; only that one gets a cell forced to the string type."""
    if isinstance(value, str) and value.startswith("="):
        return safe_cell(ws, value)
    return value


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
