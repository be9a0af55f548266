"""Importing customers from Excel: every error kind and every refused file changes nothing and
leaves nothing staged; real office files (title rows, other sheets, labels, numbers, dates,
several meters per customer) import as the office means them."""

import io
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from aom.lib import spreadsheet
from aom.models import AuditEvent
from customers import importer
from customers.models import Customer, Meter, StagedImport
from tests import factories as f

HEADERS = [c.spanish for c in importer.COLUMNS]
COLUMN_KEYS = [c.key for c in importer.COLUMNS]


def drn(n: int) -> str:
    return f.luhn_complete(f"58{n:08d}")


def values(n: int, **kw) -> dict:
    v = {
        "id_type": "CC",
        "identification": f"{2000000000 + n}",
        "full_name": f"Importado {n}",
        "phone": "3001234567",
        "email": f"importado{n}@example.org",
        "address": "Vereda El Progreso",
        "data_consent_on": None,
        "drn": drn(n),
        "subsidy_kwh": Decimal("10.0"),
        "emergency_kwh": Decimal("2.0"),
        "installed_on": "2026-01-15",
        "is_active": None,
    }
    v.update(kw)
    return v


def row(n: int, **kw) -> list:
    v = values(n, **kw)
    return [v[k] for k in COLUMN_KEYS]


def workbook(rows, headers=HEADERS, before=(), title="Usuarios") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in before:
        ws.append(r)
    if headers is not None:
        ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, content: bytes, name="usuarios.xlsx"):
    return client.post(reverse("customers:import"), {"file": SimpleUploadedFile(name, content)})


def counts():
    return Customer.objects.count(), Meter.objects.count(), StagedImport.objects.count()


def file_errors(response) -> str:
    return " ".join(response.context["form"].errors["file"])


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def confirm(client, response):
    return client.post(reverse("customers:import_confirm"), {"token": response.context["token"]})


def imported(client, content: bytes):
    """Upload and confirm; the preview must have no errors."""
    response = upload(client, content)
    assert response.status_code == 200, file_errors(response) if response.status_code == 400 else ""
    assert [str(e) for e in response.context["errors"]] == []
    assert confirm(client, response).status_code == 302


# -- the happy path ------------------------------------------------------------------------------
def test_a_valid_file_is_previewed_then_imported_on_confirmation(admin_client, entity, customer):
    before = counts()
    response = upload(admin_client, workbook([row(1), row(2, id_type="nit", phone="+57 300 123 4567")]))
    assert response.status_code == 200
    assert [r.identification for r in response.context["rows"]] == ["2000000001", "2000000002"]
    assert response.context["errors"] == []
    assert counts()[:2] == before[:2]  # the preview writes nothing but the staged rows

    response = confirm(admin_client, response)
    assert response.status_code == 302
    assert counts() == (before[0] + 2, before[1] + 2, 0)
    c = Customer.objects.get(entity=entity, identification="2000000002")
    assert c.id_type == "NIT" and c.phone == "3001234567" and c.search_name == "importado 2"
    m = c.meters.get()
    assert m.entity == entity and m.drn == drn(2)
    assert m.subsidy_kwh == Decimal("10.0") and m.emergency_kwh == Decimal("2.0")
    assert str(m.installed_on) == "2026-01-15"


def test_an_import_is_recorded_in_the_audit_trail(admin_client, admin, entity):
    imported(admin_client, workbook([row(1), row(2)]))
    event = AuditEvent.objects.get(action="import")
    assert event.actor == admin and event.entity == entity
    assert "2 usuarios y 2 medidores" in event.detail


def test_the_file_values_go_through_the_field_rules(admin_client, entity):
    r = row(
        1,
        id_type="Cédula de ciudadanía",
        identification="2.000.000.001",
        full_name="  José \n Pérez ",
        email="Jose@Example.ORG",
        phone="(300) 123-4567",
    )
    imported(admin_client, workbook([r, row(2, id_type="Pasaporte", identification="ab-123")]))
    c = Customer.objects.get(identification="2000000001")
    assert (c.id_type, c.full_name, c.email, c.phone) == ("CC", "José Pérez", "jose@example.org", "3001234567")
    assert Customer.objects.get(identification="AB123").id_type == "PP"


def test_a_double_click_on_confirm_imports_once(admin_client):
    response = upload(admin_client, workbook([row(1)]))
    first = confirm(admin_client, response)
    second = confirm(admin_client, response)
    assert first.status_code == second.status_code == 302
    assert Customer.objects.filter(identification="2000000001").count() == 1
    follow = admin_client.get(second.url)
    assert "ya se procesó" in follow.content.decode()


def test_a_token_of_another_user_opens_nothing(admin_client, client, entity):
    response = upload(admin_client, workbook([row(1)]))
    token = response.context["token"]
    other = f.make_user(entity, "admin")
    client.force_login(other)
    client.post(reverse("customers:import_confirm"), {"token": token})
    client.post(reverse("customers:import_cancel"), {"token": token})
    assert not Customer.objects.filter(identification="2000000001").exists()
    assert StagedImport.objects.filter(token=token).exists()


def test_confirmation_revalidates_against_rows_added_since_the_preview(admin_client, entity):
    response = upload(admin_client, workbook([row(1), row(2)]))
    f.make_customer(entity, identification="2000000002")
    before = counts()
    response = confirm(admin_client, response)
    assert response.status_code == 200
    assert "Ya existe un usuario con la identificacion ingresada" in response.content.decode()
    assert counts() == (before[0], before[1], 0)


# -- the staged file -----------------------------------------------------------------------------
def test_the_checked_rows_wait_in_the_database_for_any_worker(admin_client, admin, client):
    response = upload(admin_client, workbook([row(1)]))
    staged = StagedImport.objects.get()
    assert staged.token == response.context["token"] and staged.user == admin
    assert staged.rows[0]["identification"] == "2000000001"
    # Another session of the same user (another worker, another host) confirms it.
    client.force_login(admin)
    assert client.post(reverse("customers:import_confirm"), {"token": staged.token}).status_code == 302
    assert Customer.objects.filter(identification="2000000001").exists()
    assert not StagedImport.objects.exists()


def test_cancel_deletes_the_staged_rows_at_once(admin_client):
    response = upload(admin_client, workbook([row(1)]))
    assert 'action="{}"'.format(reverse("customers:import_cancel")) in response.content.decode()
    cancel = admin_client.post(reverse("customers:import_cancel"), {"token": response.context["token"]})
    assert cancel.status_code == 302
    assert counts() == (0, 0, 0)
    assert confirm(admin_client, response).status_code == 302
    assert not Customer.objects.exists()


def test_a_staged_import_expires_after_one_hour(admin_client):
    response = upload(admin_client, workbook([row(1)]))
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        follow = admin_client.post(
            reverse("customers:import_confirm"), {"token": response.context["token"]}, follow=True
        )
        assert "venció" in follow.content.decode()
        assert not Customer.objects.exists()
        upload(admin_client, workbook([row(2)]))  # staging purges what expired
    assert [s.rows[0]["identification"] for s in StagedImport.objects.all()] == ["2000000002"]


# -- headers -------------------------------------------------------------------------------------
HEADER_VARIANTS = {
    "form labels": [
        "Tipo de identificación",
        "Identificación",
        "Nombre completo",
        "Celular",
        "Correo electrónico",
        "Dirección de residencia",
        "Autorización de datos",
        "Serial del medidor (DRN)",
        "Subsidio mensual (kWh)",
        "Crédito de emergencia (kWh)",
        "Fecha de instalación",
        "Activo",
    ],
    "no accents, other case and spacing": [
        "TIPO DE IDENTIFICACION",
        " identificacion ",
        "nombre   completo",
        "CELULAR",
        "correo electronico",
        "Direccion",
        "autorizacion de tratamiento de datos",
        "Serial",
        "Subsidio mensual",
        "credito de emergencia",
        "fecha instalacion",
        "estado",
    ],
    "common variants": [
        "Tipo de documento",
        "Número de documento",
        "Nombres y apellidos",
        "Teléfono",
        "E-mail",
        "Dirección residencia",
        "Habeas data",
        "DRN",
        "Subsidio (kWh)",
        "Crédito",
        "Instalación",
        "Medidor activo",
    ],
}


@pytest.mark.parametrize("headers", HEADER_VARIANTS.values(), ids=HEADER_VARIANTS.keys())
def test_headers_match_ignoring_case_accents_and_spacing_and_accept_labels_and_variants(admin_client, entity, headers):
    imported(admin_client, workbook([row(1, address="Calle 5", subsidy_kwh=Decimal("12.5"))], headers=headers))
    c = Customer.objects.get(identification="2000000001")
    assert c.address == "Calle 5" and c.meters.get().subsidy_kwh == Decimal("12.5")


def test_an_unknown_column_is_named_in_the_preview_as_not_imported(admin_client):
    response = upload(admin_client, workbook([[*row(1), "nota"]], headers=[*HEADERS, "Observaciones"]))
    assert response.context["result"].unknown_columns == ["Observaciones"]
    assert "Observaciones" in response.content.decode() and "no se importan" in response.content.decode()


def test_the_header_row_may_sit_below_title_rows(admin_client):
    content = workbook([row(1)], before=[["Cooperativa Solar del Meta"], ["Usuarios a marzo de 2026"], []])
    imported(admin_client, content)
    assert Customer.objects.filter(identification="2000000001").exists()


def test_the_sheet_holding_the_headers_is_used_wherever_it_is(admin_client):
    wb = openpyxl.Workbook()
    wb.active.title = "Resumen"
    wb.active.append(["Total de usuarios", 1])
    ws = wb.create_sheet("Datos")
    ws.append(HEADERS)
    ws.append(row(1))
    out = io.BytesIO()
    wb.save(out)
    imported(admin_client, out.getvalue())
    assert Customer.objects.filter(identification="2000000001").exists()


def test_hidden_sheets_are_ignored(admin_client):
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Viejo"
    hidden.sheet_state = "hidden"
    hidden.append(HEADERS)
    hidden.append(row(9))
    ws = wb.create_sheet("Usuarios")
    ws.append(HEADERS)
    ws.append(row(1))
    out = io.BytesIO()
    wb.save(out)
    imported(admin_client, out.getvalue())
    assert list(Customer.objects.values_list("identification", flat=True)) == ["2000000001"]


# -- the template ----------------------------------------------------------------------------------
def test_the_template_has_the_columns_a_list_of_id_types_and_instructions(admin_client):
    response = admin_client.get(reverse("customers:import_template"))
    assert response["Content-Type"] == spreadsheet.XLSX_CONTENT_TYPE
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["Usuarios"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.max_row == 1  # no example where the office types
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"CC,NIT,CE,TI,PP"'
    assert "Instrucciones" in wb.sheetnames


def test_the_template_example_and_instructions_are_never_imported(admin_client):
    template = admin_client.get(reverse("customers:import_template")).content
    response = upload(admin_client, template)
    assert response.status_code == 400 and "no tiene filas" in file_errors(response)

    wb = openpyxl.load_workbook(io.BytesIO(template))
    wb["Usuarios"].append(row(1))
    out = io.BytesIO()
    wb.save(out)
    imported(admin_client, out.getvalue())
    assert list(Customer.objects.values_list("identification", flat=True)) == ["2000000001"]


# -- several meters, duplicates ---------------------------------------------------------------------
def test_a_customer_with_several_meters_takes_one_row_per_meter(admin_client, entity):
    response = upload(admin_client, workbook([row(1), row(1, drn=drn(2)), row(3)]))
    assert (response.context["result"].customer_count, response.context["result"].meter_count) == (2, 3)
    assert confirm(admin_client, response).status_code == 302
    c = Customer.objects.get(identification="2000000001")
    assert sorted(c.meters.values_list("drn", flat=True)) == sorted([drn(1), drn(2)])


def test_the_same_identification_with_other_data_is_an_error_naming_both_rows(admin_client):
    before = counts()
    response = upload(admin_client, workbook([row(1), row(2), row(1, full_name="Otro Nombre", drn=drn(3))]))
    (e,) = response.context["errors"]
    assert (e.row, e.column) == (4, "Identificación") and "fila 2" in e.message
    assert counts() == before


def test_a_duplicate_meter_within_the_file_is_an_error(admin_client):
    response = upload(admin_client, workbook([row(1), row(2, drn=drn(1))]))
    (e,) = response.context["errors"]
    assert (e.row, e.column) == (3, "Serial del medidor (DRN)") and "repetido" in e.message
    assert counts() == (0, 0, 0)


def test_an_already_registered_customer_is_an_error_however_it_is_written(admin_client, customer):
    before = counts()
    for typed in (customer.identification, "1.234.567.890", "1 234 567 890"):
        response = upload(admin_client, workbook([row(1, identification=typed)]))
        (e,) = response.context["errors"]
        assert e.message == "Ya existe un usuario con la identificacion ingresada"
    assert counts() == before


def test_a_passport_in_another_spelling_is_the_same_customer(admin_client, entity):
    f.make_customer(entity, id_type="PP", identification="AB123")
    response = upload(admin_client, workbook([row(1, id_type="PP", identification="ab-123")]))
    (e,) = response.context["errors"]
    assert e.column == "Identificación" and "Ya existe" in e.message


def test_a_customer_of_another_entity_does_not_block_the_same_identification(admin_client, other_customer):
    response = upload(admin_client, workbook([row(1, identification=other_customer.identification)]))
    assert response.context["errors"] == []


def test_a_meter_already_assigned_is_an_error(admin_client, meter):
    before = counts()
    response = upload(admin_client, workbook([row(1, drn=meter.drn)]))
    (e,) = response.context["errors"]
    assert e.column == "Serial del medidor (DRN)" and "ya está asignado" in e.message
    assert counts() == before


def test_the_license_limit_counts_the_whole_file(admin_client, entity, customer):
    lic = entity.current_license()
    lic.max_customers = 3
    lic.save()
    before = counts()
    response = upload(admin_client, workbook([row(1), row(2), row(3)]))
    errors = response.context["errors"]
    assert [str(e) for e in errors] == ["se han completado 3 usuarios"]
    assert counts() == before
    # Two meters of one customer count once.
    assert upload(admin_client, workbook([row(1), row(1, drn=drn(5)), row(2)])).context["errors"] == []


# -- cells -------------------------------------------------------------------------------------------
def test_whole_numbers_typed_as_numbers_are_read_as_their_digits(admin_client):
    r = row(1, identification=2000000001, phone=3001234567, drn=int(drn(1)), subsidy_kwh=12.5, emergency_kwh=0)
    imported(admin_client, workbook([r]))
    c = Customer.objects.get(identification="2000000001")
    assert c.phone == "3001234567"
    m = c.meters.get()
    assert m.drn == drn(1) and m.subsidy_kwh == Decimal("12.5")


def test_a_drn_shown_with_leading_zeros_by_a_number_format_keeps_them(admin_client):
    serial = f.luhn_complete("0470000001")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(row(1, drn=int(serial)))
    ws.cell(row=2, column=COLUMN_KEYS.index("drn") + 1).number_format = "00000000000"
    out = io.BytesIO()
    wb.save(out)
    imported(admin_client, out.getvalue())
    assert Meter.objects.get().drn == serial


def test_numbers_beyond_15_significant_digits_are_refused(admin_client):
    response = upload(admin_client, workbook([row(1, identification=12345678901234567)]))
    (e,) = response.context["errors"]
    assert e.column == "Identificación" and "15 cifras" in e.message
    assert counts() == (0, 0, 0)


def _with_error_cells(content: bytes) -> bytes:
    """The workbook with its C2 and G2 cells turned into the error cells Excel writes."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b'<c r="C2" t="inlineStr"><is><t>Importado 1</t></is></c>', b'<c r="C2" t="e"><v>#N/A</v></c>'
                )
                data = data.replace(
                    b'<c r="H2" t="inlineStr"><is><t>' + drn(1).encode() + b"</t></is></c>",
                    b'<c r="H2" t="e"><f>A1/0</f><v>#REF!</v></c>',
                )
            dst.writestr(item, data)
    return out.getvalue()


def test_error_cells_are_refused_by_name(admin_client):
    content = _with_error_cells(workbook([row(1)]))
    assert b"#REF!" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    response = upload(admin_client, content)
    errors = {(e.row, e.column): e.message for e in response.context["errors"]}
    assert "#N/A" in errors[(2, "Nombre completo")]
    assert "#REF!" in errors[(2, "Serial del medidor (DRN)")]
    assert counts() == (0, 0, 0)


def test_rows_of_formulas_that_show_nothing_count_as_empty(admin_client):
    formulas = [f'=IF(Z{n}="","",Z{n})' for n in range(len(HEADERS))]
    imported(admin_client, workbook([row(1)] + [formulas] * 200))
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    "typed",
    [date(2026, 1, 15), datetime(2026, 1, 15, 0, 0), 46037, "15/01/2026", "2026-01-15", "15-01-2026"],
    ids=["date", "datetime", "serial", "dd/mm/aaaa", "iso", "dd-mm-aaaa"],
)
def test_dates_are_read_as_excel_dates_serials_and_text(admin_client, typed):
    imported(admin_client, workbook([row(1, installed_on=typed, data_consent_on=typed)]))
    c = Customer.objects.get()
    assert c.meters.get().installed_on == date(2026, 1, 15) and c.data_consent_on == date(2026, 1, 15)


def test_consent_given_as_si_is_dated_today_and_no_leaves_it_empty(admin_client):
    imported(admin_client, workbook([row(1, data_consent_on="Sí"), row(2, data_consent_on="No")]))
    assert Customer.objects.get(identification="2000000001").data_consent_on == timezone.localdate()
    assert Customer.objects.get(identification="2000000002").data_consent_on is None


def test_kwh_with_float_noise_round_to_tenths(admin_client):
    imported(admin_client, workbook([row(1, subsidy_kwh=10.000000000000002, emergency_kwh=0.30000000000000004)]))
    m = Meter.objects.get()
    assert (m.subsidy_kwh, m.emergency_kwh) == (Decimal("10.0"), Decimal("0.3"))


def test_a_customer_without_a_meter_may_be_imported(admin_client):
    imported(admin_client, workbook([row(1, drn=None, subsidy_kwh=None, emergency_kwh=None, installed_on=None)]))
    assert Customer.objects.get().meters.count() == 0


# -- row errors: each listed by row and column, nothing written -----------------------------------
ROW_ERRORS = [
    ("missing field", {"full_name": None}, "Nombre completo", "Falta este dato"),
    ("missing identification", {"identification": None}, "Identificación", "Falta este dato"),
    ("bad id type", {"id_type": "XX"}, "Tipo de identificación", "Tipo de identificación no válido"),
    ("letters in a cédula", {"identification": "12AB45"}, "Identificación", "solo dígitos"),
    ("foreign digits", {"identification": "\uff11" * 10}, "Identificación", "0 a 9"),
    ("bad e-mail", {"email": "no-es-correo"}, "Correo electrónico", "Correo electrónico no válido"),
    ("bad phone", {"phone": "300-ABC"}, "Celular", "celular colombiano"),
    ("landline", {"phone": "6012345678"}, "Celular", "celular colombiano"),
    ("bad DRN check digit", {"drn": "58000000010"}, "Serial del medidor (DRN)", "dígito de control"),
    ("short DRN", {"drn": "1234"}, "Serial del medidor (DRN)", "11 dígitos"),
    ("meter data without DRN", {"drn": None}, "Serial del medidor (DRN)", "Falta este dato"),
    ("negative subsidy", {"subsidy_kwh": -1}, "Subsidio mensual (kWh)", "negativo"),
    ("two decimals", {"emergency_kwh": "1,25"}, "Crédito de emergencia (kWh)", "0,1 en 0,1"),
    ("two decimals as number", {"emergency_kwh": 1.25}, "Crédito de emergencia (kWh)", "0,1 en 0,1"),
    ("too many kWh", {"subsidy_kwh": 100000}, "Subsidio mensual (kWh)", "no puede pasar"),
    ("bad date", {"installed_on": "31/02/2026"}, "Fecha de instalación", "Fecha no válida"),
    ("bad consent", {"data_consent_on": "quizás"}, "Autorización de datos", "Sí"),
    ("bad active", {"is_active": "tal vez"}, "Activo", "Sí"),
]


@pytest.mark.parametrize(("kind", "change", "column", "message"), ROW_ERRORS, ids=[e[0] for e in ROW_ERRORS])
def test_each_row_error_is_listed_by_row_and_column_and_nothing_is_added(
    admin_client, customer, kind, change, column, message
):
    before = counts()
    response = upload(admin_client, workbook([row(1), row(2, **change)]))
    assert response.status_code == 200
    errors = response.context["errors"]
    assert [(e.row, e.column) for e in errors] == [(3, column)]
    assert message in errors[0].message
    assert response.context["token"] is None
    assert "Confirmar" not in response.content.decode()
    assert counts() == before


# -- refused files -------------------------------------------------------------------------------
def _rezip(content: bytes, transform=None, extra=()) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if transform:
                data = transform(item.filename, data)
            dst.writestr(item.filename, data)
        for name, data in extra:
            dst.writestr(name, data)
    return out.getvalue()


def _macro_enabled() -> bytes:
    return _rezip(
        workbook([row(1)]),
        lambda name, d: d.replace(spreadsheet.SHEET_MAIN.encode(), spreadsheet.MACRO_MAIN.encode()),
    )


def _docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w/>")
    return out.getvalue()


def _broken_xlsx() -> bytes:
    content = bytearray(workbook([row(1)]))
    return bytes(content[: len(content) // 2])


def _broken_sheet() -> bytes:
    return _rezip(workbook([row(1)]), lambda name, d: d[: len(d) // 2] if name == "xl/worksheets/sheet1.xml" else d)


def _shared_strings_bomb() -> bytes:
    """A small file whose shared strings inflate past the limit (the 1.2 MB → 1.2 GB file)."""
    size = spreadsheet.MAX_PART_BYTES + 1024
    bomb = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + b"a" * size
    return _rezip(workbook([row(1)]), extra=[("xl/sharedStrings.xml", bomb + b"</t></si></sst>")])


def _whitespace_between_rows() -> bytes:
    """Filler where rows should be, past what one row may take: refused without parsing it."""
    filler = b" " * (2 * spreadsheet.MAX_PART_BYTES)
    return _rezip(
        workbook([row(1)]),
        lambda name, d: (
            d.replace(b"</sheetData>", filler + b"</sheetData>") if name == "xl/worksheets/sheet1.xml" else d
        ),
    )


def _one_value_in_the_last_cell() -> bytes:
    """One "x" in XFD1048576: a reader holding the sheet as a grid would need 17,000 million cells."""
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    return _rezip(
        workbook([row(1)]),
        lambda name, d: d.replace(b"</sheetData>", far) if name == "xl/worksheets/sheet1.xml" else d,
    )


def _too_many_rows() -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for n in range(importer.MAX_ROWS + 1):
        ws.append(row(n))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


REFUSED = [
    ("csv renamed", lambda: "Tipo,Identificación\nCC,1\n".encode(), "no es un libro de Excel"),
    ("xls or encrypted (OLE)", lambda: spreadsheet.OLE_MAGIC + b"\0" * 1024, "protegido con contraseña"),
    ("xlsm", _macro_enabled, "macros"),
    ("vba project inside", lambda: _rezip(workbook([row(1)]), extra=[("xl/vbaProject.bin", b"\0" * 10)]), "macros"),
    ("other zip", _docx_like, "no es un libro de Excel"),
    ("corrupt", _broken_xlsx, "no es un libro de Excel"),
    ("broken sheet", _broken_sheet, "dañado"),
    ("zip bomb", _shared_strings_bomb, "al descomprimirse"),
    ("a value in the last cell", _one_value_in_the_last_cell, "demasiado lejos"),
    ("filler instead of rows", _whitespace_between_rows, "Una fila de la hoja ocupa más de 16 MB"),
    ("empty sheet", lambda: workbook([], headers=None), "La hoja está vacía"),
    ("headers only", lambda: workbook([]), "no tiene filas"),
    ("missing columns", lambda: workbook([["CC", "1"]], headers=HEADERS[:2]), "Faltan columnas"),
    ("no headers at all", lambda: workbook([["a", "b"]], headers=["x", "y"]), "encabezados"),
    ("empty file", lambda: b"", "vacío"),
    ("more than 20,000 rows", _too_many_rows, "más de 20.000 filas"),
    ("more than 10 MB", lambda: b"PK" + b"\0" * (spreadsheet.MAX_UPLOAD_BYTES + 1), "10 MB"),
]


@pytest.mark.parametrize(("kind", "make", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_refused_file_gets_a_clear_message_and_changes_nothing(admin_client, customer, kind, make, message):
    before = counts()
    response = upload(admin_client, make())
    assert response.status_code == 400
    assert message in file_errors(response)
    assert counts() == before


def test_too_many_cells_with_data_are_refused_before_reading(admin_client, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_VALUE_CELLS", 30)
    response = upload(admin_client, workbook([row(n) for n in range(5)]))
    assert response.status_code == 400 and "celdas con datos" in file_errors(response)
    assert counts() == (0, 0, 0)


def test_one_long_string_referenced_many_times_is_refused(admin_client, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_TEXT_BYTES", 2000)
    wb = openpyxl.Workbook()  # openpyxl writes shared strings: one string, many cells
    ws = wb.active
    ws.append(HEADERS)
    for n in range(50):
        ws.append(row(n, address="x" * 100))
    out = io.BytesIO()
    wb.save(out)
    response = upload(admin_client, out.getvalue())
    assert response.status_code == 400 and "MB de datos" in file_errors(response)
    assert counts() == (0, 0, 0)


def _formatted_to_the_last_row(rows) -> bytes:
    """The rows, then every row down to 1,048,576 formatted (styled, empty), as office files are."""

    def transform(name, data):
        if name != "xl/worksheets/sheet1.xml":
            return data
        head, tail = data.split(b"</sheetData>")
        first = len(rows) + 2
        empty = b"".join(
            b'<row r="%d" s="1" customFormat="1"><c r="A%d" s="1"/></row>' % (n, n) for n in range(first, 1048577)
        )
        return head + empty + b"</sheetData>" + tail

    return _rezip(workbook(rows), transform)


def test_a_sheet_formatted_down_to_the_last_row_costs_only_its_real_rows(admin_client, monkeypatch):
    content = _formatted_to_the_last_row([row(1), row(2), row(3)])
    assert len(content) < spreadsheet.MAX_UPLOAD_BYTES
    seen = []
    real = spreadsheet._read_compact
    monkeypatch.setattr(
        spreadsheet, "_read_compact", lambda compact, errors: seen.append(len(compact)) or real(compact, errors)
    )
    imported(admin_client, content)
    assert Customer.objects.count() == 3
    assert seen[0] < 50_000  # what the reader parses: the real rows, not a million empty ones


# -- all or nothing ----------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_write_failing_half_way_leaves_no_customer(client, monkeypatch):
    """In a real transaction (not the test's wrapping one): the customers are inserted, then the
    meters' insert fails in the database; the whole import is rolled back."""
    entity = f.make_entity()
    f.make_license(entity)
    admin = f.make_user(entity, "admin")
    other = f.make_customer(entity, identification="1999999999")
    taken = f.make_meter(other)
    client.force_login(admin)
    response = upload(client, workbook([row(1), row(2)]))
    assert response.context["errors"] == []
    # The serial is taken after the preview, and the re-check is skipped: the meters' insert
    # meets the database's unique constraint after the customers' insert went through.
    Meter.objects.filter(pk=taken.pk).update(drn=drn(2))
    monkeypatch.setattr(importer, "_validate_against_entity", lambda result, entity: None)
    inserts = []
    real_bulk_create = Meter.objects.bulk_create

    def spy(objs, *a, **kw):
        inserts.append(Customer.objects.filter(identification="2000000001").exists())
        return real_bulk_create(objs, *a, **kw)

    monkeypatch.setattr(Meter.objects, "bulk_create", spy)
    response = confirm(client, response)
    assert inserts == [True]  # the customers were in when the meters failed
    assert response.status_code == 200 and "intente de nuevo" in response.content.decode()
    assert not connection.in_atomic_block
    assert list(Customer.objects.values_list("identification", flat=True)) == ["1999999999"]
    assert Meter.objects.count() == 1 and StagedImport.objects.count() == 0
    assert not AuditEvent.objects.filter(action="import").exists()


# -- who may import ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["customers:import", "customers:import_template", "customers:export"])
def test_a_biller_may_not_import_or_export(client, biller, name):
    client.force_login(biller)
    assert client.get(reverse(name)).status_code == 403


def test_a_biller_may_not_confirm_or_cancel_an_import(client, biller):
    client.force_login(biller)
    assert client.post(reverse("customers:import_confirm"), {"token": "x" * 32}).status_code == 403
    assert client.post(reverse("customers:import_cancel"), {"token": "x" * 32}).status_code == 403


def test_confirm_needs_post(admin_client):
    assert admin_client.get(reverse("customers:import_confirm")).status_code == 405
