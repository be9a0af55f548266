"""Importing customers from Excel: every error kind and every refused file changes nothing."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers import excel
from customers.models import Customer, Meter
from tests import factories as f

HEADERS = [str(c.header) for c in excel.COLUMNS]


def drn(n: int) -> str:
    return f.luhn_complete(f"58{n:08d}")


def row(n: int, **kw) -> list:
    values = {
        "id_type": "CC",
        "identification": f"{2000000000 + n}",
        "full_name": f"Importado {n}",
        "phone": "3001234567",
        "email": f"importado{n}@example.org",
        "address": "Vereda El Progreso",
        "drn": drn(n),
        "subsidy_kwh": Decimal("10.0"),
        "emergency_kwh": Decimal("2.0"),
        "installed_on": "2026-01-15",
    }
    values.update(kw)
    return [values[c.key] for c in excel.COLUMNS]


def workbook(rows, headers=HEADERS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
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
    return Customer.objects.count(), Meter.objects.count()


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture(autouse=True)
def import_dir(tmp_path, settings):
    settings.AOM_IMPORT_DIR = str(tmp_path / "imports")


def confirm(client, response):
    return client.post(reverse("customers:import_confirm"), {"token": response.context["token"]})


# -- the happy path ------------------------------------------------------------------------------
def test_a_valid_file_is_previewed_then_imported_on_confirmation(admin_client, entity, customer):
    before = counts()
    response = upload(admin_client, workbook([row(1), row(2, id_type="nit", phone="+57 300 123 4567")]))
    assert response.status_code == 200
    assert [r.identification for r in response.context["rows"]] == ["2000000001", "2000000002"]
    assert response.context["errors"] == []
    assert counts() == before  # the preview writes nothing

    response = confirm(admin_client, response)
    assert response.status_code == 302
    assert counts() == (before[0] + 2, before[1] + 2)
    c = Customer.objects.get(entity=entity, identification="2000000002")
    assert c.id_type == "NIT" and c.phone == "+573001234567"
    m = c.meters.get()
    assert m.entity == entity and m.drn == drn(2)
    assert m.subsidy_kwh == Decimal("10.0") and m.emergency_kwh == Decimal("2.0")
    assert str(m.installed_on) == "2026-01-15"


def test_a_double_click_on_confirm_imports_once(admin_client):
    response = upload(admin_client, workbook([row(1)]))
    first = confirm(admin_client, response)
    second = confirm(admin_client, response)
    assert first.status_code == second.status_code == 302
    assert Customer.objects.filter(identification="2000000001").count() == 1
    follow = admin_client.get(second.url)
    assert "ya se procesó" in follow.content.decode()


def test_a_token_of_another_user_opens_nothing(admin_client, client, entity, django_user_model):
    response = upload(admin_client, workbook([row(1)]))
    token = response.context["token"]
    other = f.make_user(entity, "admin")
    client.force_login(other)
    client.post(reverse("customers:import_confirm"), {"token": token})
    assert not Customer.objects.filter(identification="2000000001").exists()


def test_confirmation_revalidates_against_rows_added_since_the_preview(admin_client, entity):
    response = upload(admin_client, workbook([row(1), row(2)]))
    f.make_customer(entity, identification="2000000002")
    before = counts()
    response = confirm(admin_client, response)
    assert response.status_code == 200
    assert "Ya existe un usuario con la identificacion ingresada" in response.content.decode()
    assert counts() == before


def test_numbers_typed_as_numbers_are_read_as_text(admin_client, entity):
    r = row(1, identification=2000000001, phone=3001234567, subsidy_kwh=12.5, emergency_kwh=0)
    response = confirm(admin_client, upload(admin_client, workbook([r])))
    assert response.status_code == 302
    c = Customer.objects.get(identification="2000000001")
    assert c.phone == "3001234567"
    assert c.meters.get().subsidy_kwh == Decimal("12.5")


def test_the_template_has_the_columns_an_example_and_a_list_of_id_types(admin_client, entity):
    response = admin_client.get(reverse("customers:import_template"))
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert [c.value for c in ws[1]] == HEADERS
    assert ws["A2"].value == "CC" and ws["G2"].value == "47000000019"
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"CC,NIT,CE,TI,PP"'
    assert "A2" in dv.sqref


def test_the_template_example_row_imports_cleanly(admin_client, entity):
    template = admin_client.get(reverse("customers:import_template")).content
    response = upload(admin_client, template)
    assert response.context["errors"] == []
    assert len(response.context["rows"]) == 1


# -- row errors: each listed by row and column, nothing written -----------------------------------
ROW_ERRORS = [
    ("missing field", {"full_name": None}, "Nombre completo", "Falta este dato"),
    ("bad id type", {"id_type": "XX"}, "Tipo de identificación", "Tipo de identificación no válido"),
    ("bad e-mail", {"email": "no-es-correo"}, "Correo electrónico", "Correo electrónico no válido"),
    ("bad phone", {"phone": "300-ABC"}, "Celular", "Celular no válido"),
    ("bad DRN check digit", {"drn": "58000000010"}, "Serial del medidor (DRN)", "dígito de control"),
    ("short DRN", {"drn": "1234"}, "Serial del medidor (DRN)", "11 dígitos"),
    ("negative subsidy", {"subsidy_kwh": -1}, "Subsidio mensual (kWh)", "Valor no válido"),
    ("two decimals", {"emergency_kwh": "1.25"}, "Crédito de emergencia (kWh)", "Valor no válido"),
    ("bad date", {"installed_on": "15/01/2026"}, "Fecha de instalación", "Fecha no válida"),
    ("formula", {"full_name": '=CONCAT("a","b")'}, "Nombre completo", "fórmula"),
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


def test_a_duplicate_identification_within_the_file_is_an_error(admin_client):
    before = counts()
    response = upload(admin_client, workbook([row(1), row(2), row(3, identification="2000000001")]))
    (e,) = response.context["errors"]
    assert (e.row, e.column) == (4, "Identificación") and "fila 2" in e.message
    assert counts() == before


def test_a_duplicate_meter_within_the_file_is_an_error(admin_client):
    response = upload(admin_client, workbook([row(1), row(2, drn=drn(1))]))
    (e,) = response.context["errors"]
    assert (e.row, e.column) == (3, "Serial del medidor (DRN)") and "repetido" in e.message


def test_an_already_registered_customer_is_an_error(admin_client, customer):
    before = counts()
    response = upload(admin_client, workbook([row(1, identification=customer.identification)]))
    (e,) = response.context["errors"]
    assert e.message == "Ya existe un usuario con la identificacion ingresada"
    assert counts() == before


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
    assert upload(admin_client, workbook([row(1), row(2)])).context["errors"] == []


def test_import_rows_refuses_everything_if_one_row_is_taken(entity, customer):
    rows = excel.parse_and_validate(io.BytesIO(workbook([row(1), row(2)])), entity).rows
    f.make_customer(entity, identification="2000000002")
    before = counts()
    with pytest.raises(excel.ImportRejected):
        excel.import_rows(entity, rows)
    assert counts() == before


# -- refused files -------------------------------------------------------------------------------
def _xlsx_with_content_types(transform) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(workbook([row(1)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = transform(data)
            dst.writestr(item, data)
    return out.getvalue()


def _macro_enabled() -> bytes:
    return _xlsx_with_content_types(
        lambda d: d.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
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


def _too_many_rows() -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for n in range(excel.MAX_ROWS + 1):
        ws.append(row(n))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


REFUSED = [
    ("csv renamed", lambda: "Tipo,Identificación\nCC,1\n".encode(), "no es un libro de Excel"),
    ("xls or encrypted (OLE)", lambda: excel.OLE_MAGIC + b"\0" * 1024, "protegido con contraseña"),
    ("xlsm", _macro_enabled, "macros"),
    ("other zip", _docx_like, "no es un libro de Excel"),
    ("corrupt", _broken_xlsx, "no es un libro de Excel"),
    ("empty sheet", lambda: workbook([], headers=None), "La hoja está vacía"),
    ("headers only", lambda: workbook([]), "no tiene filas"),
    ("missing columns", lambda: workbook([["CC", "1"]], headers=HEADERS[:2]), "Faltan columnas"),
    ("empty file", lambda: b"", "vacío"),
]


@pytest.mark.parametrize(("kind", "make", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_refused_file_gets_a_clear_message_and_changes_nothing(admin_client, customer, kind, make, message):
    before = counts()
    response = upload(admin_client, make())
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert counts() == before


def test_a_vba_project_inside_is_refused_even_with_the_xlsx_content_type(admin_client):
    src = zipfile.ZipFile(io.BytesIO(workbook([row(1)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\0" * 10)
    response = upload(admin_client, out.getvalue())
    assert response.status_code == 400
    assert Customer.objects.count() == 0


def test_more_than_20000_rows_is_refused(admin_client):
    response = upload(admin_client, _too_many_rows())
    assert response.status_code == 400
    assert "más de 20.000 filas" in " ".join(response.context["form"].errors["file"])
    assert counts() == (0, 0)


def test_more_than_10_mb_is_refused(admin_client, customer):
    before = counts()
    response = upload(admin_client, b"PK" + b"\0" * (excel.MAX_BYTES + 1))
    assert response.status_code == 400
    assert "10 MB" in " ".join(response.context["form"].errors["file"])
    assert counts() == before


# -- who may import ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["customers:import", "customers:import_template", "customers:export"])
def test_a_biller_may_not_import_or_export(client, biller, name):
    client.force_login(biller)
    assert client.get(reverse(name)).status_code == 403


def test_a_biller_may_not_confirm_an_import(client, biller):
    client.force_login(biller)
    assert client.post(reverse("customers:import_confirm"), {"token": "x" * 32}).status_code == 403


def test_confirm_needs_post(admin_client):
    assert admin_client.get(reverse("customers:import_confirm")).status_code == 405


def test_a_workbook_with_a_broken_sheet_inside_is_refused(admin_client, customer):
    src = zipfile.ZipFile(io.BytesIO(workbook([row(1)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    before = counts()
    response = upload(admin_client, out.getvalue())
    assert response.status_code == 400
    assert "dañado" in " ".join(response.context["form"].errors["file"])
    assert counts() == before
