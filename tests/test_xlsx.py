"""`aom.lib.xlsx`, the writer of long reports: read back with openpyxl, cell by cell."""

import io
from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
import pytest

from aom.lib.xlsx import Cell, Sheet, column_letter


def read(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_values_formats_and_styles_read_back_as_written():
    sheet = Sheet("Ventas: 2026/03?", widths=[12, 30], formats={"pesos": '"$ "#,##0', "kwh": "#,##0.0"})
    sheet.append([Cell("Reporte", bold=True), "Cooperativa", None, 7])
    sheet.append([date(2026, 3, 10), datetime(2026, 3, 10, 23, 30, 15)])
    sheet.append_typed(
        [("1", "Ana", datetime(2026, 3, 10, 8, 0), D("12.3"), D("1500")), ("2", "", None, D("0.1"), D("99999999"))],
        ["text", "text", "datetime", "kwh", "pesos"],
    )
    sheet.append([Cell("Total", bold=True), Cell(D("100001499"), "pesos", bold=True)])
    ws = read(sheet.close())
    assert ws.title == "Ventas  2026 03 "
    assert ws.column_dimensions["B"].width == 30
    assert [c.value for c in ws[1]][:4] == ["Reporte", "Cooperativa", None, 7]
    assert ws["A1"].font.b and not ws["B1"].font.b
    assert ws["A2"].value == datetime(2026, 3, 10) and ws["B2"].value == datetime(2026, 3, 10, 23, 30, 15)
    assert [c.value for c in ws[3]] == ["1", "Ana", datetime(2026, 3, 10, 8, 0), 12.3, 1500]
    assert (ws["A2"].number_format, ws["B2"].number_format) == ("yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss")
    assert (ws["D3"].number_format, ws["E3"].number_format) == ("#,##0.0", '"$ "#,##0')
    assert ws["C3"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert [c.value for c in ws[4]][:2] == ["2", None] and ws["E4"].value == 99999999
    assert ws["B5"].value == 100001499 and ws["B5"].font.b and ws["B5"].number_format == '"$ "#,##0'


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+57 300", "-1", "@SUM(A1)", "0012", "1E5", "<b>&</b>"])
def test_text_stays_text_whatever_it_starts_with(text):
    sheet = Sheet("S")
    sheet.append([text])
    sheet.append_typed([(text,)], ["text"])
    ws = read(sheet.close())
    for cell in (ws["A1"], ws["A2"]):
        assert cell.value == text and cell.data_type == "s"


def test_characters_xml_cannot_hold_are_dropped_not_fatal():
    sheet = Sheet("S")
    sheet.append_typed([("a\x00b\x1fc\td",)], ["text"])
    assert read(sheet.close())["A1"].value == "abc\td"


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
