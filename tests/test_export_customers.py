"""Export of customers and meters to .xlsx: the import's columns, safe against formula injection,
recorded in the audit trail, and imported back into an empty entity as it was."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aom.lib.spreadsheet import XLSX_CONTENT_TYPE
from aom.models import AuditEvent
from customers import importer
from customers.models import Customer
from tests import factories as f


def export(client):
    response = client.get(reverse("customers:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    return response


def sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_every_meter_of_the_entity_is_a_row_in_the_import_columns(client, admin, meter, other_meter, entity):
    no_meter = f.make_customer(entity, full_name="Zoila Sin Medidor")
    client.force_login(admin)
    rows = [[c.value for c in r] for r in sheet(export(client)).iter_rows()]
    assert rows[0] == [str(c.header) for c in importer.COLUMNS]
    by_id = {r[1]: r for r in rows[1:]}
    assert set(by_id) == {meter.customer.identification, no_meter.identification}
    r = by_id[meter.customer.identification]
    drn_at = [c.key for c in importer.COLUMNS].index("drn")
    assert r[drn_at] == meter.drn and Decimal(str(r[drn_at + 1])) == meter.subsidy_kwh
    assert other_meter.customer.identification not in by_id


@pytest.mark.parametrize("text", ["=1+1", "+57300", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x","y")'])
def test_text_that_a_spreadsheet_would_run_is_written_as_a_string(client, admin, entity, text):
    c = f.make_customer(entity, full_name=text, address=text)
    f.make_meter(c)
    client.force_login(admin)
    ws = sheet(export(client))
    cells = [cell for row in ws.iter_rows(min_row=2) for cell in row if cell.value == text]
    assert len(cells) == 2
    assert all(cell.data_type == "s" for cell in cells)


def test_every_export_is_recorded_with_who_and_how_many_rows(client, admin, entity, meter):
    f.make_customer(entity)
    client.force_login(admin)
    export(client)
    event = AuditEvent.objects.get(action="export")
    assert event.actor == admin and event.entity == entity
    assert "2 filas" in event.detail


FIELDS = ("id_type", "identification", "full_name", "phone", "email", "address", "data_consent_on")
METER_FIELDS = ("drn", "subsidy_kwh", "emergency_kwh", "installed_on", "is_active")


def snapshot(entity):
    return {
        tuple(getattr(c, k) for k in FIELDS): sorted(tuple(getattr(m, k) for k in METER_FIELDS) for m in c.meters.all())
        for c in Customer.objects.filter(entity=entity).prefetch_related("meters")
    }


def test_an_export_imports_back_into_an_empty_entity_as_it_was(client, admin, entity, other_admin):
    two = f.make_customer(entity, full_name="José Pérez", data_consent_on=date(2026, 2, 3))
    f.make_meter(two, installed_on=date(2026, 1, 15), subsidy_kwh=Decimal("12.5"))
    f.make_meter(two, is_active=False, emergency_kwh=Decimal("0.0"))
    f.make_customer(entity, id_type="PP", identification="AB123", phone="", email="", address="")
    f.make_meter(f.make_customer(entity, id_type="NIT", identification="9001234567"))
    client.force_login(admin)
    content = export(client).content

    client.force_login(other_admin)
    preview = client.post(reverse("customers:import"), {"file": SimpleUploadedFile("u.xlsx", content)})
    assert preview.status_code == 200 and preview.context["errors"] == []
    assert preview.context["result"].unknown_columns == []
    assert client.post(reverse("customers:import_confirm"), {"token": preview.context["token"]}).status_code == 302
    assert snapshot(other_admin.entity) == snapshot(entity)
    assert len(snapshot(entity)) == 3


@pytest.mark.parametrize(
    ("name", "params", "rows"),
    [
        ("billing:subsidy_xlsx", {"month": "2026-03"}, 1),
        ("billing:subsidy_pdf", {"month": "2026-03", "vista": "html"}, 1),
        ("billing:report_xlsx", {"filter_by": "all", "start": "2026-03-10", "end": "2026-03-10"}, 0),
        ("billing:report_pdf", {"filter_by": "all", "start": "2026-03-10", "end": "2026-03-10", "vista": "html"}, 0),
    ],
)
def test_every_report_naming_customers_is_recorded_when_downloaded(client, admin, meter, product, name, params, rows):
    client.force_login(admin)
    assert client.get(reverse(name), params).status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert event.actor == admin and f"{rows} filas" in event.detail
