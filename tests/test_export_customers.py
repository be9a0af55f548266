"""Export of customers and meters to .xlsx, safe against formula injection."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from customers import excel
from tests import factories as f


def export(client):
    response = client.get(reverse("customers:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_every_meter_of_the_entity_is_a_row_in_the_template_columns(client, admin, meter, other_meter, entity):
    no_meter = f.make_customer(entity, full_name="Zoila Sin Medidor")
    client.force_login(admin)
    ws = export(client)
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][: len(excel.COLUMNS)] == [str(c.header) for c in excel.COLUMNS]
    by_id = {r[1]: r for r in rows[1:]}
    assert set(by_id) == {meter.customer.identification, no_meter.identification}
    r = by_id[meter.customer.identification]
    assert r[6] == meter.drn and Decimal(str(r[7])) == meter.subsidy_kwh
    assert other_meter.customer.identification not in by_id


@pytest.mark.parametrize("text", ["=1+1", "+57300", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x","y")'])
def test_text_that_a_spreadsheet_would_run_is_written_as_a_string(client, admin, entity, text):
    c = f.make_customer(entity, full_name=text, address=text)
    f.make_meter(c)
    client.force_login(admin)
    ws = export(client)
    cells = [cell for row in ws.iter_rows(min_row=2) for cell in row if cell.value == text]
    assert len(cells) == 2
    assert all(cell.data_type == "s" for cell in cells)


def test_an_export_imports_back_into_an_empty_entity(client, admin, meter, other_admin):
    client.force_login(admin)
    content = client.get(reverse("customers:export")).content
    result = excel.parse_and_validate(io.BytesIO(content), other_admin.entity)
    assert result.errors == []
    assert [(r.identification, r.drn) for r in result.rows] == [(meter.customer.identification, meter.drn)]
