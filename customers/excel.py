"""Customers and meters to and from Excel (.xlsx).

Import in three steps, each usable without the web layer (the benchmark drives the same code):

    check_file(f)                       # refuse what is not a plain .xlsx workbook
    result = parse_and_validate(f, entity)   # every row checked, nothing written
    import_rows(entity, result.rows)    # all rows in one transaction, or none (ImportRejected)

Formulas are never evaluated: the workbook is read with `data_only=False`, so a formula cell
comes back as its formula text (type "f"), and it is reported as an error for that cell; the
value cached by the spreadsheet is ignored.

Between the preview and the confirmation the checked rows wait as JSON in a server-side folder
(`AOM_IMPORT_DIR`, default: the system temp folder), under a random token and the user's and
entity's ids, so that a token never opens another user's rows. The confirmation claims the file
with an atomic rename, so a double click imports once, and `import_rows` checks the rows again
against the database inside its transaction (what may have changed since the preview).
"""

import io
import json
import os
import re
import secrets
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from customers.models import Customer, Meter, validate_drn
from licensing.models import Entity, License

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ID_TYPES = [c.value for c in Customer.IdType]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    example: object
    width: int = 18


# The figure 8 columns, then the meter's. Headers are matched without case or accents.
COLUMNS = [
    Column("id_type", gettext_lazy("Tipo de identificación"), True, "CC", 12),
    Column("identification", gettext_lazy("Identificación"), True, "1234567890"),
    Column("full_name", gettext_lazy("Nombre completo"), True, "Usuario Prueba", 28),
    Column("phone", gettext_lazy("Celular"), False, "3001234567", 16),
    Column("email", gettext_lazy("Correo electrónico"), False, "usuario@example.org", 26),
    Column("address", gettext_lazy("Dirección residencia"), False, "Vereda La Esperanza", 28),
    Column("drn", gettext_lazy("Serial del medidor (DRN)"), True, "47000000019", 16),
    Column("subsidy_kwh", gettext_lazy("Subsidio mensual (kWh)"), False, Decimal("10.0"), 12),
    Column("emergency_kwh", gettext_lazy("Crédito de emergencia (kWh)"), False, Decimal("2.0"), 12),
    Column("installed_on", gettext_lazy("Fecha de instalación"), False, date(2026, 1, 15), 14),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
TEXT_COLUMNS = {"id_type", "identification", "full_name", "phone", "email", "address", "drn"}

PHONE_RE = re.compile(r"^\+?\d{7,15}$")
PHONE_STRIP_RE = re.compile(r"[\s\-().]")
IDENTIFICATION_RE = re.compile(r"^[0-9A-Za-z-]+$")
KWH_MAX = Decimal("999999.9")


class ImportRefused(Exception):
    """The file as a whole cannot be read as a customer list. The message is for the user."""


class ImportRejected(Exception):
    """Rows failed validation at confirmation time; carries the errors, nothing was written."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass(frozen=True)
class RowError:
    row: int | None  # the spreadsheet's row number; None for the whole file
    column: str  # the column's header, or "" for the whole row/file
    message: str

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(_("Fila %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("columna «%(column)s»") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ImportRow:
    row: int
    id_type: str
    identification: str
    full_name: str
    phone: str
    email: str
    address: str
    drn: str
    subsidy_kwh: Decimal
    emergency_kwh: Decimal
    installed_on: date | None


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0  # customer rows in the file, valid or not

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


# -- template ------------------------------------------------------------------------------------
def build_template() -> bytes:
    """The downloadable template: a header row, an example row, a list for the id type."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = str(_("Usuarios"))
    ws.append([str(c.header) for c in COLUMNS])
    ws.append([str(c.example) if c.key in TEXT_COLUMNS else c.example for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, col in enumerate(COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(i)
        ws.column_dimensions[letter].width = col.width
        # Text columns stay text, so that leading zeros and long numbers survive typing.
        fmt = "@" if col.key in TEXT_COLUMNS else ("0.0" if col.key.endswith("_kwh") else "yyyy-mm-dd")
        ws.column_dimensions[letter].number_format = fmt
        ws.cell(row=2, column=i).number_format = fmt
    id_col = openpyxl.utils.get_column_letter(1)
    dv = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(ID_TYPES)),
        allow_blank=False,
        showErrorMessage=True,
        errorTitle=str(_("Tipo de identificación")),
        error=str(_("Elija uno de: %(types)s") % {"types": ", ".join(ID_TYPES)}),
    )
    dv.add(f"{id_col}2:{id_col}{MAX_ROWS + 1}")
    ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- file checks ---------------------------------------------------------------------------------
def check_file(f) -> None:
    """Refuse anything but a plain, readable .xlsx of at most MAX_BYTES. Reads the content,
    never trusts the name: a renamed .csv/.xls, an encrypted workbook or an .xlsm are refused."""
    size = getattr(f, "size", None)
    if size is None:
        f.seek(0, os.SEEK_END)
        size = f.tell()
    if size > MAX_BYTES:
        raise ImportRefused(_("El archivo pesa más de 10 MB."))
    if size == 0:
        raise ImportRefused(_("El archivo está vacío."))
    f.seek(0)
    head = f.read(8)
    f.seek(0)
    if head == OLE_MAGIC:
        raise ImportRefused(
            _(
                "El archivo está protegido con contraseña o es un libro de Excel antiguo (.xls). "
                "Guárdelo como libro de Excel (.xlsx) sin contraseña."
            )
        )
    if not zipfile.is_zipfile(f):
        f.seek(0)
        raise ImportRefused(_("El archivo no es un libro de Excel (.xlsx). Descargue la plantilla y úsela."))
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names:
                raise ImportRefused(_("El archivo no es un libro de Excel (.xlsx). Descargue la plantilla y úsela."))
            content_types = zf.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError) as exc:
        raise ImportRefused(_("El archivo está dañado y no se puede leer.")) from exc
    finally:
        f.seek(0)
    if MACRO_MAIN in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ImportRefused(_("El archivo contiene macros (.xlsm). Guárdelo como libro de Excel (.xlsx) sin macros."))
    if SHEET_MAIN not in content_types:
        raise ImportRefused(_("El archivo no es un libro de Excel (.xlsx). Descargue la plantilla y úsela."))


# -- parsing and validation ----------------------------------------------------------------------
def _norm_header(value) -> str:
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text).strip().lower()


HEADER_KEYS = {_norm_header(c.header): c.key for c in COLUMNS}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _kwh(value) -> Decimal:
    if value is None or value == "":
        return Decimal("0.0")
    if isinstance(value, bool):
        raise ValueError
    try:
        # str() first: a spreadsheet number is a binary float, its shortest repr is what was typed.
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError from exc
    if not number.is_finite() or number < 0 or number > KWH_MAX or number != number.quantize(Decimal("0.1")):
        raise ValueError
    return number.quantize(Decimal("0.1"))


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError from None


def _open_sheet(f):
    f.seek(0)
    try:
        wb = openpyxl.load_workbook(f, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ImportRefused(_("El archivo está dañado y no se puede leer.")) from exc
    try:
        ws = wb.worksheets[0]
    except IndexError:
        wb.close()
        raise ImportRefused(_("El libro no tiene hojas.")) from None
    return wb, ws


def parse_and_validate(f, entity: Entity) -> ImportResult:
    """Read the first sheet and check every row against the entity's data. Writes nothing.

    Raises ImportRefused for file-level problems (empty sheet, missing columns, too many rows).
    """
    wb, ws = _open_sheet(f)
    try:
        result = _parse(ws)
    except ImportRefused:
        raise
    except Exception as exc:
        raise ImportRefused(_("El archivo está dañado y no se puede leer.")) from exc
    finally:
        wb.close()
    _validate_against_entity(result, entity)
    return result


def _parse(ws) -> ImportResult:
    rows = ws.iter_rows()
    header_row = None
    for cells in rows:
        if any(c.value not in (None, "") for c in cells):
            header_row = cells
            break
    if header_row is None:
        raise ImportRefused(_("La hoja está vacía."))
    positions = {}
    for i, cell in enumerate(header_row):
        key = HEADER_KEYS.get(_norm_header(cell.value))
        if key and key not in positions:
            positions[key] = i
    missing = [str(c.header) for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise ImportRefused(_("Faltan columnas en el archivo: %(columns)s.") % {"columns": ", ".join(missing)})

    result = ImportResult()
    seen_ids: dict[str, int] = {}
    seen_drns: dict[str, int] = {}
    count = 0
    for cells in rows:
        values = {}
        formula_keys = []
        blank = True
        row_number = None
        for key, pos in positions.items():
            cell = cells[pos] if pos < len(cells) else None
            if cell is None:
                values[key] = None
                continue
            if row_number is None and getattr(cell, "row", None):
                row_number = cell.row
            value = cell.value
            if cell.data_type == "f":
                formula_keys.append(key)
                value = None
            if value not in (None, "") and not (isinstance(value, str) and not value.strip()):
                blank = False
            values[key] = value
        if blank and not formula_keys:
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportRefused(
                _("El archivo tiene más de %(max)s filas.") % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        if row_number is None:
            row_number = getattr(cells[0], "row", None) or count + 1
        row, errors = _clean_row(row_number, values, formula_keys)
        if row is not None:
            first = seen_ids.get(row.identification)
            if first is not None:
                errors.append(
                    RowError(
                        row_number,
                        str(COLUMN_BY_KEY["identification"].header),
                        _("Identificación repetida en el archivo (ya está en la fila %(row)s).") % {"row": first},
                    )
                )
            else:
                seen_ids[row.identification] = row_number
            first = seen_drns.get(row.drn)
            if first is not None:
                errors.append(
                    RowError(
                        row_number,
                        str(COLUMN_BY_KEY["drn"].header),
                        _("Medidor repetido en el archivo (ya está en la fila %(row)s).") % {"row": first},
                    )
                )
            else:
                seen_drns[row.drn] = row_number
        if errors:
            result.errors.extend(errors)
        else:
            result.rows.append(row)
    if count == 0:
        raise ImportRefused(_("La hoja no tiene filas de usuarios debajo de los encabezados."))
    result.total = count
    return result


def _clean_row(n: int, values: dict, formula_keys: list[str]) -> tuple[ImportRow | None, list[RowError]]:
    errors = []

    def err(key, message):
        errors.append(RowError(n, str(COLUMN_BY_KEY[key].header), message))

    for key in formula_keys:
        err(key, _("La celda tiene una fórmula; escriba el valor."))

    text = {key: _text(values.get(key)) for key in TEXT_COLUMNS}
    for key in TEXT_COLUMNS:
        if COLUMN_BY_KEY[key].required and not text[key] and key not in formula_keys:
            err(key, _("Falta este dato."))

    id_type = text["id_type"].upper()
    if id_type and id_type not in ID_TYPES:
        err("id_type", _("Tipo de identificación no válido; use uno de: %(types)s.") % {"types": ", ".join(ID_TYPES)})

    identification = text["identification"]
    if identification and (len(identification) > 20 or not IDENTIFICATION_RE.match(identification)):
        err("identification", _("Identificación no válida: solo letras, dígitos y guiones, hasta 20."))

    if len(text["full_name"]) > 200:
        err("full_name", _("El nombre tiene más de 200 caracteres."))

    phone = PHONE_STRIP_RE.sub("", text["phone"])
    if phone and not PHONE_RE.match(phone):
        err("phone", _("Celular no válido: de 7 a 15 dígitos."))

    email = text["email"]
    if email:
        try:
            validate_email(email)
            if len(email) > 254:
                raise ValidationError("too long")
        except ValidationError:
            err("email", _("Correo electrónico no válido."))

    if len(text["address"]) > 200:
        err("address", _("La dirección tiene más de 200 caracteres."))

    drn = text["drn"]
    if drn:
        try:
            validate_drn(drn)
        except ValidationError as exc:
            err("drn", exc.messages[0])

    kwh = {}
    for key in ("subsidy_kwh", "emergency_kwh"):
        if key in formula_keys:
            continue
        try:
            kwh[key] = _kwh(values.get(key))
        except ValueError:
            err(key, _("Valor no válido: un número de kWh mayor o igual a 0, con un decimal como máximo."))

    installed_on = None
    if "installed_on" not in formula_keys:
        try:
            installed_on = _date(values.get("installed_on"))
        except ValueError:
            err("installed_on", _("Fecha no válida: use AAAA-MM-DD."))

    if errors:
        return None, errors
    return (
        ImportRow(
            row=n,
            id_type=id_type,
            identification=identification,
            full_name=text["full_name"],
            phone=phone,
            email=email,
            address=text["address"],
            drn=drn,
            subsidy_kwh=kwh["subsidy_kwh"],
            emergency_kwh=kwh["emergency_kwh"],
            installed_on=installed_on,
        ),
        [],
    )


def _validate_against_entity(result: ImportResult, entity: Entity) -> None:
    """Errors that depend on what is already in the database: taken ids and serials, the limit."""
    existing_ids = set(Customer.objects.filter(entity=entity).values_list("identification", flat=True))
    existing_drns = set(Meter.objects.filter(entity=entity).values_list("drn", flat=True))
    id_header = str(COLUMN_BY_KEY["identification"].header)
    drn_header = str(COLUMN_BY_KEY["drn"].header)
    kept = []
    for row in result.rows:
        row_errors = []
        if row.identification in existing_ids:
            row_errors.append(RowError(row.row, id_header, _("Ya existe un usuario con la identificacion ingresada")))
        if row.drn in existing_drns:
            row_errors.append(RowError(row.row, drn_header, _("El medidor ya está asignado a un usuario.")))
        if row_errors:
            result.errors.extend(row_errors)
        else:
            kept.append(row)
    result.rows = kept
    license = entity.current_license()
    if license is None:
        result.errors.append(RowError(None, "", _("La entidad no tiene una licencia activa.")))
        return
    # The limit counts every customer row of the file, with or without errors: once corrected,
    # each would be added.
    if len(existing_ids) + result.total > license.max_customers:
        result.errors.insert(
            0, RowError(None, "", _("se han completado %(n)s usuarios") % {"n": license.max_customers})
        )
    result.errors.sort(key=lambda e: e.row or 0)


def import_rows(entity: Entity, rows: list[ImportRow]) -> int:
    """Insert every row's customer and meter in one transaction, or nothing.

    Re-checks against the database inside the transaction, with the entity's license row locked
    so that two imports (or an import and a manual add) cannot pass the limit together.
    Raises ImportRejected with the errors if anything no longer fits.
    """
    if not rows:
        raise ImportRejected([RowError(None, "", _("No hay usuarios para importar."))])
    try:
        with transaction.atomic():
            # Lock the license row: it serialises imports and manual adds against the limit.
            list(License.objects.select_for_update().filter(entity=entity).values_list("pk", flat=True))
            result = ImportResult(rows=list(rows), total=len(rows))
            _validate_against_entity(result, entity)
            if result.errors:
                raise ImportRejected(result.errors)
            customers = [
                Customer(
                    entity=entity,
                    id_type=r.id_type,
                    identification=r.identification,
                    full_name=r.full_name,
                    phone=r.phone,
                    email=r.email,
                    address=r.address,
                )
                for r in rows
            ]
            Customer.objects.bulk_create(customers, batch_size=500)
            if any(c.pk is None for c in customers):  # a backend that does not return ids
                by_id = dict(
                    Customer.objects.filter(entity=entity, identification__in=[r.identification for r in rows])
                    .values_list("identification", "pk")
                    .iterator()
                )
                for c in customers:
                    c.pk = by_id[c.identification]
            meters = [
                Meter(
                    entity=entity,
                    customer=c,
                    drn=r.drn,
                    subsidy_kwh=r.subsidy_kwh,
                    emergency_kwh=r.emergency_kwh,
                    installed_on=r.installed_on,
                )
                for r, c in zip(rows, customers, strict=True)
            ]
            Meter.objects.bulk_create(meters, batch_size=500)
    except IntegrityError as exc:
        # Someone registered the same identification or serial at the same instant.
        raise ImportRejected(
            [RowError(None, "", _("Otro usuario modificó los datos al mismo tiempo; intente de nuevo."))]
        ) from exc
    return len(rows)


# -- pending uploads between preview and confirmation --------------------------------------------
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
PENDING_MAX_AGE = 3600


def _pending_dir() -> Path:
    path = Path(getattr(settings, "AOM_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "aom-imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _pending_path(user, token: str) -> Path | None:
    if not TOKEN_RE.match(token or ""):
        return None
    return _pending_dir() / f"{user.entity_id}-{user.pk}-{token}.json"


def store_pending(user, rows: list[ImportRow]) -> str:
    """Keep the checked rows (as JSON, never pickled) until their confirmation; return the token."""
    _purge_old()
    token = secrets.token_urlsafe(24)
    path = _pending_path(user, token)
    data = [
        {
            **{k: getattr(r, k) for k in ("row", *TEXT_COLUMNS)},
            "subsidy_kwh": str(r.subsidy_kwh),
            "emergency_kwh": str(r.emergency_kwh),
            "installed_on": r.installed_on.isoformat() if r.installed_on else None,
        }
        for r in rows
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out)
    return token


def load_pending(path: Path) -> list[ImportRow]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return [
        ImportRow(
            **{k: d[k] for k in ("row", *TEXT_COLUMNS)},
            subsidy_kwh=Decimal(d["subsidy_kwh"]),
            emergency_kwh=Decimal(d["emergency_kwh"]),
            installed_on=date.fromisoformat(d["installed_on"]) if d["installed_on"] else None,
        )
        for d in data
    ]


def claim_pending(user, token: str) -> Path | None:
    """Take the pending file for this user's confirmation, once: a second claim gets None."""
    path = _pending_path(user, token)
    if path is None:
        return None
    claimed = path.with_suffix(".claimed")
    try:
        os.rename(path, claimed)  # atomic: of two concurrent confirmations only one succeeds
    except FileNotFoundError:
        return None
    return claimed


def discard_pending(user, token: str) -> None:
    path = _pending_path(user, token)
    if path is not None:
        path.unlink(missing_ok=True)


def _purge_old() -> None:
    limit = time.time() - PENDING_MAX_AGE
    for p in _pending_dir().glob("*-*-*.*"):
        try:
            if p.stat().st_mtime < limit:
                p.unlink()
        except OSError:
            pass


# -- export --------------------------------------------------------------------------------------
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


def export_customers(entity: Entity, out) -> None:
    """Every customer and meter of the entity, one row per meter, in the template's columns
    (so that an export can be edited and imported elsewhere)."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(str(_("Usuarios")))
    for i, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = col.width
    ws.append([safe_cell(ws, str(c.header)) for c in COLUMNS] + [safe_cell(ws, str(_("Activo")))])
    meters = (
        Meter.objects.filter(entity=entity)
        .select_related("customer")
        .order_by("customer__full_name", "customer_id", "drn")
        .iterator(chunk_size=2000)
    )
    with_meter = set()
    for m in meters:
        c = m.customer
        with_meter.add(c.pk)
        values = [c.id_type, c.identification, c.full_name, c.phone, c.email, c.address, m.drn]
        ws.append(
            [safe_value(ws, v) for v in values]
            + [m.subsidy_kwh, m.emergency_kwh, m.installed_on, str(_("Sí") if m.is_active else _("No"))]
        )
    for c in Customer.objects.filter(entity=entity).order_by("full_name", "pk").iterator(chunk_size=2000):
        if c.pk in with_meter:
            continue
        values = [c.id_type, c.identification, c.full_name, c.phone, c.email, c.address, ""]
        ws.append([safe_value(ws, v) for v in values])
    wb.save(out)
