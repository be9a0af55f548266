"""Import customers and their meters from Excel (.xlsx): upload → preview → confirm.

Each step is usable without the web layer (the benchmark drives the same code):

    result = parse_and_validate(f, entity)      # ImportRefused for the file; row errors in result
    token = stage(user, result.rows)            # the checked rows wait in the database
    rows = claim(user, token)                   # once: a second claim (double click) gets None
    import_rows(entity, rows, request=request)  # all rows in one transaction, or ImportRejected

The file: any visible sheet whose header row (below title rows if any) names the columns, in
any order and spelling that `norm_header` makes equal to a column's header, the form's label or
a common variant. A sheet called "Instrucciones" is never read (the template keeps its example
there). A customer with several meters takes one row per meter, repeating the same customer
data. Every value goes through the field rules of `customers.rules`, as in the forms.
"""

import io
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from aom import audit
from aom.lib import spreadsheet
from aom.lib.spreadsheet import CellError, SpreadsheetRefused, is_blank, norm_header
from customers import rules, selectors
from customers.models import Customer, Meter, StagedImport
from licensing.models import Entity, License

MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 30
SKIPPED_SHEETS = {"instrucciones", "instructions", "ayuda", "help"}


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # lazy translation: the template's and the export's header
    spanish: str  # the same header in Spanish, always accepted
    required: bool
    example: object
    aliases: tuple[str, ...] = ()
    width: int = 18


COLUMNS = [
    Column(
        "id_type",
        gettext_lazy("Tipo de identificación"),
        "Tipo de identificación",
        True,
        "CC",
        ("tipo", "tipo id", "tipo doc", "tipo de documento", "tipo documento", "tipo identificacion"),
        12,
    ),
    Column(
        "identification",
        gettext_lazy("Identificación"),
        "Identificación",
        True,
        "1100000000",
        (
            "numero de identificacion",
            "no identificacion",
            "nro identificacion",
            "numero de documento",
            "documento",
            "cedula",
            "numero",
            "id",
        ),
    ),
    Column(
        "full_name",
        gettext_lazy("Nombre completo"),
        "Nombre completo",
        True,
        "José Pérez",
        ("nombre", "nombres", "nombres y apellidos", "nombre del usuario", "usuario", "cliente"),
        28,
    ),
    Column(
        "phone",
        gettext_lazy("Celular"),
        "Celular",
        False,
        "3001234567",
        ("telefono", "telefono celular", "movil", "numero de celular", "tel"),
        16,
    ),
    Column(
        "email",
        gettext_lazy("Correo electrónico"),
        "Correo electrónico",
        False,
        "usuario@example.org",
        ("correo", "email", "e mail", "mail"),
        26,
    ),
    Column(
        "address",
        gettext_lazy("Dirección de residencia"),
        "Dirección de residencia",
        False,
        "Vereda La Esperanza",
        ("direccion", "direccion residencia", "domicilio"),
        28,
    ),
    Column(
        "data_consent_on",
        gettext_lazy("Autorización de datos"),
        "Autorización de datos",
        False,
        date(2026, 1, 15),
        (
            "autorizacion de tratamiento de datos",
            "autoriza tratamiento de datos",
            "tratamiento de datos",
            "fecha de autorizacion",
            "habeas data",
        ),
        14,
    ),
    Column(
        "drn",
        gettext_lazy("Serial del medidor (DRN)"),
        "Serial del medidor (DRN)",
        False,
        "47000000019",
        ("serial", "drn", "medidor", "serial medidor", "numero de medidor", "serial del medidor drn"),
        16,
    ),
    Column(
        "subsidy_kwh",
        gettext_lazy("Subsidio mensual (kWh)"),
        "Subsidio mensual (kWh)",
        False,
        Decimal("10.0"),
        ("subsidio", "subsidio kwh"),
        12,
    ),
    Column(
        "emergency_kwh",
        gettext_lazy("Crédito de emergencia (kWh)"),
        "Crédito de emergencia (kWh)",
        False,
        Decimal("2.0"),
        ("credito", "credito de emergencia kwh", "emergencia"),
        12,
    ),
    Column(
        "installed_on",
        gettext_lazy("Fecha de instalación"),
        "Fecha de instalación",
        False,
        date(2026, 1, 15),
        ("instalacion", "fecha instalacion", "instalado"),
        14,
    ),
    Column("is_active", gettext_lazy("Activo"), "Activo", False, "Sí", ("medidor activo", "estado"), 8),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
CUSTOMER_KEYS = ("id_type", "identification", "full_name", "phone", "email", "address", "data_consent_on")
METER_KEYS = ("drn", "subsidy_kwh", "emergency_kwh", "installed_on", "is_active")
YES = {"si", "s", "x", "yes", "true", "verdadero", "1", "activo", "autoriza"}
NO = {"no", "n", "false", "falso", "0", "inactivo", "no autoriza"}


class ImportRefused(Exception):
    """The file as a whole cannot be read as a customer list. The message is for the user."""


class ImportRejected(Exception):
    """Rows failed at confirmation time; carries the errors, nothing was written."""

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
    phone: str = ""
    email: str = ""
    address: str = ""
    data_consent_on: date | None = None
    drn: str = ""  # empty: a customer without a meter
    subsidy_kwh: Decimal = Decimal("0.0")
    emergency_kwh: Decimal = Decimal("0.0")
    installed_on: date | None = None
    is_active: bool = True

    def customer_data(self) -> tuple:
        return tuple(getattr(self, k) for k in CUSTOMER_KEYS)

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("data_consent_on", "installed_on"):
            data[key] = data[key].isoformat() if data[key] else None
        for key in ("subsidy_kwh", "emergency_kwh"):
            data[key] = str(data[key])
        return data

    @classmethod
    def from_json(cls, data: dict) -> "ImportRow":
        data = dict(data)
        for key in ("data_consent_on", "installed_on"):
            data[key] = date.fromisoformat(data[key]) if data[key] else None
        for key in ("subsidy_kwh", "emergency_kwh"):
            data[key] = Decimal(data[key])
        return cls(**data)


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    sheet: str = ""
    new_customers: int = 0  # customers the file would add, rows with errors included

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def customer_count(self) -> int:
        return len({r.identification for r in self.rows})

    @property
    def meter_count(self) -> int:
        return sum(1 for r in self.rows if r.drn)


def header(key: str) -> str:
    return str(COLUMN_BY_KEY[key].header)


# -- template --------------------------------------------------------------------------------------
def build_template() -> bytes:
    """A sheet "Usuarios" with only the headers (what the office fills in), and a sheet
    "Instrucciones" with the example and the rules, which the import never reads."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = str(_("Usuarios"))
    ws.append([str(c.header) for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, col in enumerate(COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(i)
        ws.column_dimensions[letter].width = col.width
        # Text columns stay text, so that leading zeros and long numbers survive typing.
        if col.key in ("identification", "phone", "drn", "full_name", "email", "address", "id_type"):
            ws.column_dimensions[letter].number_format = "@"
    dv = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(rules.ID_TYPES)),
        allow_blank=False,
        showErrorMessage=True,
        errorTitle=str(_("Tipo de identificación")),
        error=str(_("Elija uno de: %(types)s") % {"types": ", ".join(rules.ID_TYPES)}),
    )
    dv.add(f"A2:A{MAX_ROWS + 1}")
    ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    info = wb.create_sheet(str(_("Instrucciones")))
    info.column_dimensions["A"].width = 30
    info.column_dimensions["B"].width = 90
    info.append([str(_("Cómo llenar la hoja «Usuarios»"))])
    info["A1"].font = Font(bold=True)
    lines = [
        (
            _("Una fila por medidor"),
            _("Un usuario con dos medidores ocupa dos filas con los mismos datos del usuario."),
        ),
        (_("Tipo de identificación"), _("CC, NIT, CE, TI o PP (también «Cédula de ciudadanía», «Pasaporte»…).")),
        (_("Identificación"), _("Puede escribirla con puntos (1.100.000.000); el pasaporte, con letras y dígitos.")),
        (_("Celular"), _("10 dígitos que empiezan por 3; +57, espacios y guiones se aceptan.")),
        (_("Serial del medidor (DRN)"), _("11 dígitos con su dígito de control. Vacío: el usuario no tiene medidor.")),
        (_("Subsidio y crédito (kWh)"), _("De 0,1 en 0,1; vacío es 0.")),
        (_("Fechas"), _("DD/MM/AAAA o una fecha de Excel.")),
        (_("Autorización de datos"), _("La fecha en que autorizó el tratamiento de sus datos (Ley 1581 de 2012).")),
        (_("Esta hoja"), _("No se importa: el ejemplo de abajo es solo una guía.")),
    ]
    for title, text in lines:
        info.append([str(title), str(text)])
        info.cell(row=info.max_row, column=2).alignment = Alignment(wrap_text=True)
    info.append([])
    info.append([str(_("Ejemplo"))])
    info.cell(row=info.max_row, column=1).font = Font(bold=True)
    info.append([str(c.header) for c in COLUMNS])
    info.append([str(c.example) if isinstance(c.example, str) else c.example for c in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- reading the file -----------------------------------------------------------------------------
def _header_keys() -> dict[str, str]:
    keys = {}
    for c in COLUMNS:
        for name in (c.spanish, str(c.header), *c.aliases):
            keys.setdefault(norm_header(name), c.key)
    return keys


@dataclass
class _Header:
    sheet: spreadsheet.Sheet
    row: int  # 0-based
    positions: dict[str, int]
    unknown: list[str]


def _find_header(sheets: list[spreadsheet.Sheet]) -> _Header:
    keys = _header_keys()
    required = [c.key for c in COLUMNS if c.required]
    best = None
    anything = False
    for sheet in sheets:
        if norm_header(sheet.name) in SKIPPED_SHEETS:
            continue
        for r, cells in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            positions, unknown = {}, []
            for i, value in enumerate(cells):
                if is_blank(value):
                    continue
                anything = True
                key = keys.get(norm_header(spreadsheet.cell_text(value)))
                if key and key not in positions:
                    positions[key] = i
                else:
                    unknown.append(str(value).strip()[:60])
            if all(k in positions for k in required):
                return _Header(sheet, r, positions, unknown)
            if len(positions) >= 2 and (best is None or len(positions) > len(best.positions)):
                best = _Header(sheet, r, positions, unknown)
    if best is not None:
        missing = [header(k) for k in required if k not in best.positions]
        raise ImportRefused(_("Faltan columnas en el archivo: %(columns)s.") % {"columns": ", ".join(missing)})
    if not anything:
        raise ImportRefused(_("La hoja está vacía."))
    raise ImportRefused(
        _("No se encontró la fila de encabezados (%(columns)s). Descargue la plantilla y úsela.")
        % {"columns": ", ".join(header(k) for k in required)}
    )


def parse_and_validate(f, entity: Entity) -> ImportResult:
    """Read the file and check every row, against the file and the entity's data. Writes
    nothing. Raises ImportRefused for what concerns the whole file."""
    try:
        sheets = spreadsheet.read_xlsx(f)
    except SpreadsheetRefused as exc:
        raise ImportRefused(str(exc)) from exc
    if not sheets:
        raise ImportRefused(_("El libro no tiene hojas visibles."))
    head = _find_header(sheets)
    result = _parse_rows(head)
    _validate_against_entity(result, entity)
    return result


def _parse_rows(head: _Header) -> ImportResult:
    result = ImportResult(unknown_columns=head.unknown, sheet=head.sheet.name)
    first_by_ident: dict[str, ImportRow] = {}
    first_by_drn: dict[str, int] = {}
    idents_with_errors: set[str] = set()
    names = {c.key: str(c.header) for c in COLUMNS}  # translated once, not per cell
    count = 0
    for r in range(head.row + 1, len(head.sheet.rows)):
        cells = head.sheet.rows[r]
        values, errors, error_keys = {}, [], set()
        for key, pos in head.positions.items():
            error = head.sheet.error_at(r, pos) if head.sheet.errors else None
            if error:
                error_keys.add(key)
                errors.append(
                    RowError(
                        r + 1,
                        names[key],
                        _("La celda tiene el error %(error)s de Excel; escriba el valor.") % {"error": error},
                    )
                )
            values[key] = cells[pos] if pos < len(cells) else None
        if not errors and all(is_blank(v) for v in values.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportRefused(
                _("El archivo tiene más de %(max)s filas.") % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        row, row_errors = _clean_row(r + 1, values, names, skip=error_keys)
        errors.extend(row_errors)
        if row is not None and not errors:
            first = first_by_ident.get(row.identification)
            if first is not None and first.customer_data() != row.customer_data():
                errors.append(
                    RowError(
                        row.row,
                        header("identification"),
                        _(
                            "La identificación %(id)s ya está en la fila %(row)s con otros datos del usuario; "
                            "las filas de un mismo usuario deben repetir los mismos datos."
                        )
                        % {"id": row.identification, "row": first.row},
                    )
                )
            elif first is not None and not (row.drn and first.drn):
                errors.append(
                    RowError(
                        row.row,
                        header("identification"),
                        _("Identificación repetida en el archivo (ya está en la fila %(row)s).") % {"row": first.row},
                    )
                )
            if row.drn and row.drn in first_by_drn:
                errors.append(
                    RowError(
                        row.row,
                        header("drn"),
                        _("Medidor repetido en el archivo (ya está en la fila %(row)s).")
                        % {"row": first_by_drn[row.drn]},
                    )
                )
            if not errors:
                first_by_ident.setdefault(row.identification, row)
                if row.drn:
                    first_by_drn[row.drn] = row.row
        if errors:
            result.errors.extend(errors)
            ident = rules.identification_key(spreadsheet.cell_text(values.get("identification")))
            idents_with_errors.add(ident or f"row-{r}")
        else:
            result.rows.append(row)
    if count == 0:
        raise ImportRefused(_("La hoja no tiene filas de usuarios debajo de los encabezados."))
    result.new_customers = len(set(first_by_ident) | idents_with_errors)
    return result


def _clean_row(n: int, values: dict, names: dict, skip: set[str]) -> tuple[ImportRow | None, list[RowError]]:
    errors = []
    out = {}

    def run(key, func):
        if key in skip:
            return
        try:
            out[key] = func(values.get(key))
        except (ValidationError, CellError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            if isinstance(exc, ValidationError) and exc.code == "required":
                message = _("Falta este dato.")
            errors.append(RowError(n, names[key], message))

    run("id_type", lambda v: rules.id_type(_text(v)) if not is_blank(v) else _required())
    if "id_type" in out:
        run("identification", lambda v: rules.identification(out["id_type"], _digits_text(v)))
    elif "identification" not in skip and is_blank(values.get("identification")):
        errors.append(RowError(n, names["identification"], _("Falta este dato.")))
    run("full_name", lambda v: rules.full_name(_text(v)))
    run("phone", lambda v: rules.phone(_digits_text(v)))
    run("email", lambda v: rules.email(_text(v)))
    run("address", lambda v: rules.address(_text(v)))
    run("data_consent_on", _consent)
    meter_given = any(not is_blank(values.get(k)) for k in METER_KEYS if k != "is_active")
    if meter_given or not is_blank(values.get("drn")):
        run("drn", lambda v: rules.drn(_drn_text(v)))
        run("subsidy_kwh", lambda v: rules.kwh(spreadsheet.cell_decimal(v)))
        run("emergency_kwh", lambda v: rules.kwh(spreadsheet.cell_decimal(v)))
        run("installed_on", spreadsheet.cell_date)
        run("is_active", _yes_no)
    if errors or skip:
        return None, errors
    return ImportRow(row=n, **out), []


def _required():
    raise ValidationError("", code="required")


def _text(value) -> str:
    return spreadsheet.cell_text(value)


def _digits_text(value) -> str:
    """An identification or a phone: a whole number typed as a number is its digits."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return spreadsheet.whole_number_text(value)
    return _text(value)


def _drn_text(value) -> str:
    """A DRN typed as a number loses its leading zeros (shown again by a number format): the
    serial always has 11 digits, so they are put back."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return spreadsheet.whole_number_text(value).zfill(11)
    return _text(value)


def _consent(value) -> date | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return timezone.localdate() if value else None
    if isinstance(value, str):
        word = norm_header(value)
        if word in YES:
            return timezone.localdate()
        if word in NO:
            return None
    try:
        return spreadsheet.cell_date(value)
    except CellError:
        raise CellError(_("Escriba la fecha de la autorización (DD/MM/AAAA), «Sí» o «No».")) from None


def _yes_no(value) -> bool:
    if is_blank(value):
        return True
    if isinstance(value, bool):
        return value
    word = norm_header(spreadsheet.cell_text(value))
    if word in YES:
        return True
    if word in NO:
        return False
    raise CellError(_("Escriba «Sí» o «No»."))


def _validate_against_entity(result: ImportResult, entity: Entity) -> None:
    """Errors that depend on what is already stored: taken identifications and serials, the limit."""
    existing_ids = selectors.taken_identifications(entity)
    existing_drns = selectors.taken_drns(entity)
    kept = []
    for row in result.rows:
        row_errors = []
        if row.identification in existing_ids:
            row_errors.append(
                RowError(row.row, header("identification"), _("Ya existe un usuario con la identificacion ingresada"))
            )
        if row.drn and row.drn in existing_drns:
            row_errors.append(RowError(row.row, header("drn"), _("El medidor ya está asignado a un usuario.")))
        if row_errors:
            result.errors.extend(row_errors)
        else:
            kept.append(row)
    result.rows = kept
    license = entity.current_license()
    if license is None:
        result.errors.append(RowError(None, "", _("La entidad no tiene una licencia activa.")))
        return
    if len(existing_ids) + result.new_customers > license.max_customers:
        result.errors.insert(
            0, RowError(None, "", _("se han completado %(n)s usuarios") % {"n": license.max_customers})
        )
    result.errors.sort(key=lambda e: e.row or 0)


# -- writing --------------------------------------------------------------------------------------
def import_rows(entity: Entity, rows: list[ImportRow], *, request=None) -> tuple[int, int]:
    """Insert every row's customer and meter in one transaction, or nothing. Returns the
    number of customers and of meters added.

    Re-checks against the database inside the transaction, with the entity's license row locked
    so that two imports (or an import and a manual add) cannot pass the limit together.
    Raises ImportRejected with the errors if anything no longer fits.
    """
    if not rows:
        raise ImportRejected([RowError(None, "", _("No hay usuarios para importar."))])
    try:
        with transaction.atomic():
            list(License.objects.select_for_update().filter(entity=entity).values_list("pk", flat=True))
            result = ImportResult(rows=list(rows), new_customers=len({r.identification for r in rows}))
            _validate_against_entity(result, entity)
            if result.errors:
                raise ImportRejected(result.errors)
            customers = {}
            for r in rows:
                if r.identification not in customers:
                    c = Customer(entity=entity, **{k: getattr(r, k) for k in CUSTOMER_KEYS})
                    c.set_search_name()
                    customers[r.identification] = c
            Customer.objects.bulk_create(customers.values(), batch_size=500)
            if any(c.pk is None for c in customers.values()):  # a backend that does not return ids
                ids = dict(
                    selectors.customers_of(entity)
                    .filter(identification__in=list(customers))
                    .values_list("identification", "pk")
                )
                for ident, c in customers.items():
                    c.pk = ids[ident]
            meters = [
                Meter(entity=entity, customer=customers[r.identification], **{k: getattr(r, k) for k in METER_KEYS})
                for r in rows
                if r.drn
            ]
            Meter.objects.bulk_create(meters, batch_size=500)
            audit.record(
                "import",
                request=request,
                entity=entity,
                target_label=str(_("Usuarios")),
                detail=_("%(customers)s usuarios y %(meters)s medidores importados desde Excel.")
                % {"customers": len(customers), "meters": len(meters)},
            )
    except IntegrityError as exc:
        # Someone registered the same identification or serial at the same instant.
        raise ImportRejected(
            [RowError(None, "", _("Otro usuario modificó los datos al mismo tiempo; intente de nuevo."))]
        ) from exc
    return len(customers), len(meters)


# -- the checked rows between preview and confirmation ---------------------------------------------
def _live(user):
    cutoff = timezone.now() - timedelta(seconds=StagedImport.MAX_AGE_SECONDS)
    return StagedImport.objects.filter(user=user, entity_id=user.entity_id, created_at__gte=cutoff)


def purge_expired() -> None:
    cutoff = timezone.now() - timedelta(seconds=StagedImport.MAX_AGE_SECONDS)
    StagedImport.objects.filter(created_at__lt=cutoff).delete()


def stage(user, rows: list[ImportRow]) -> str:
    """Keep the checked rows (as JSON) until their confirmation; return the token."""
    purge_expired()
    token = secrets.token_urlsafe(24)
    StagedImport.objects.create(token=token, entity_id=user.entity_id, user=user, rows=[r.to_json() for r in rows])
    return token


def claim(user, token: str) -> list[ImportRow] | None:
    """The staged rows of this user's token, once: they are deleted as they are taken, so a
    second confirmation (a double click, another server) finds nothing."""
    if not token or len(token) > 64:
        return None
    with transaction.atomic():
        staged = _live(user).select_for_update().filter(token=token).first()
        if staged is None:
            return None
        deleted, _ignored = StagedImport.objects.filter(pk=staged.pk).delete()
        if not deleted:
            return None
    return [ImportRow.from_json(d) for d in staged.rows]


def discard(user, token: str) -> bool:
    """ "Cancelar": the staged rows (names, phones, e-mails) are deleted at once."""
    if not token or len(token) > 64:
        return False
    deleted, _ignored = StagedImport.objects.filter(user=user, token=token).delete()
    return bool(deleted)
