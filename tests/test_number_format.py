"""Numbers as Colombians read and type them: one writing of pesos and kWh for pages, receipts,
reports, PDFs and spreadsheets, in Spanish and in English; one reading of typed money, prices,
percentages and kWh (`DecimalTextField` over `parse_decimal`)."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.conf import settings
from django.template import engines
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from aom.lib.fields import DecimalTextField
from aom.lib.numbers import format_decimal, parse_decimal
from billing.money import SPREADSHEET_FORMATS, format_kwh, format_pesos
from tests.report_receipts import bogota, make_receipt


@pytest.mark.parametrize(
    ("value", "places", "trim", "text"),
    [
        (D("0"), 0, False, "0"),
        (D("999"), 0, False, "999"),
        (D("1000"), 0, False, "1.000"),
        (D("1234567"), 0, False, "1.234.567"),
        (D("99999999"), 0, False, "99.999.999"),
        (D("683.5"), 2, False, "683,50"),
        (D("683.50"), 2, True, "683,50"),
        (D("19.00"), 2, True, "19"),
        (D("1000.5"), 1, False, "1.000,5"),
        (D("0.05"), 1, False, "0,1"),  # half up
        (D("146305.8"), 1, False, "146.305,8"),
        (D("-1234.5"), 1, False, "-1.234,5"),
    ],
)
def test_numbers_are_written_the_colombian_way(value, places, trim, text):
    assert format_decimal(value, places, trim=trim) == text


@pytest.mark.parametrize(
    ("value", "pesos", "kwh"),
    [
        (D("0"), "$ 0", "0,0"),
        (D("1500"), "$ 1.500", "1.500,0"),
        (D("683.5"), "$ 683,50", "683,5"),
        (D("99999999"), "$ 99.999.999", "99.999.999,0"),
    ],
)
@pytest.mark.parametrize("language", ["es-co", "en"])
def test_the_filters_write_pesos_and_kwh_the_same_in_both_languages(value, pesos, kwh, language):
    template = engines["django"].from_string(
        "{% load billing_tags %}{{ v|pesos }}|{{ v|kwh }}|{{ n|count }}|{{ r|percent }}"
    )
    with translation.override(language):
        assert template.render({"v": value, "n": 12345, "r": D("19.00")}) == f"{pesos}|{kwh}|12.345|19"
    assert (format_pesos(value), format_kwh(value)) == (pesos, kwh)


@given(st.decimals(min_value=0, max_value=D("999999999999.99"), places=2))
def test_what_is_written_reads_back_as_the_same_number(value):
    assert parse_decimal(format_decimal(value, 2), places=2) == value


@pytest.mark.parametrize(
    ("typed", "places", "value"),
    [
        ("683,5", 2, D("683.5")),
        ("1.000", 2, D("1000")),
        ("1.000,50", 2, D("1000.50")),
        ("1000.5", 2, D("1000.5")),
        ("1,000.50", 2, D("1000.50")),
        ("$ 683,50", 2, D("683.50")),
        ("10,5", 1, D("10.5")),
        ("0", 1, D("0")),
        ("", 1, None),
    ],
)
def test_the_decimal_text_field_reads_colombian_numbers(typed, places, value):
    field = DecimalTextField(places=places, required=False)
    assert field.clean(typed) == value


@pytest.mark.parametrize(
    ("typed", "places", "message"),
    [
        ("683,555", 2, "puede leerse de dos maneras"),  # 683555 or 683,555: never guessed
        ("10,55", 1, "como máximo 1 decimales"),
        ("1.00.0", 2, "no es un número"),
        ("diez", 2, "no es un número"),
        ("１０", 2, "dígitos 0 a 9"),
        ("-5", 2, "negativo"),
    ],
)
def test_the_decimal_text_field_refuses_what_it_cannot_read_for_sure(typed, places, message):
    from django import forms

    with pytest.raises(forms.ValidationError, match=message):
        DecimalTextField(places=places).clean(typed)


def test_the_decimal_text_field_shows_a_saved_value_as_it_is_typed():
    field = DecimalTextField(places=2)
    assert [field.prepare_value(v) for v in (D("683.50"), D("1000.00"), D("19"), "683,5")] == [
        "683,50",
        "1.000",
        "19",
        "683,5",
    ]
    html = field.widget.render("price", field.prepare_value(D("1234.5")), field.widget_attrs(field.widget))
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'value="1.234,50"' in html


def test_the_decimal_text_field_applies_its_bounds():
    from django import forms

    field = DecimalTextField(places=2, min_value=D("0.01"), max_value=D("100"))
    with pytest.raises(forms.ValidationError):
        field.clean("0")
    with pytest.raises(forms.ValidationError):
        field.clean("100,01")
    assert field.clean("100") == D("100")


@pytest.mark.parametrize("language", ["es-co", "en"])
def test_report_pages_show_pesos_and_kwh_the_colombian_way_in_both_languages(client, admin, biller, meter, language):
    make_receipt(biller, meter, bogota(2026, 3, 10, 9, 0), total="1234567", price="500")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(admin)
    day = {"filter_by": "all", "start": "2026-03-10", "end": "2026-03-10"}
    html = client.get(reverse("billing:report"), day).content.decode()
    assert 'data-total="money">$ 1.234.567<' in html
    assert 'data-total="kwh">2.469,1<' in html
    assert "1,234,567" not in html


def test_spreadsheets_take_their_number_formats_from_one_place(client, admin, biller, meter):
    make_receipt(biller, meter, bogota(2026, 3, 10, 9, 0), total="1234567", price="500")
    client.force_login(admin)
    response = client.get(
        reverse("billing:report_xlsx"), {"filter_by": "all", "start": "2026-03-10", "end": "2026-03-10"}
    )
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = next(r for r in ws.iter_rows() if r[0].value == "1")
    assert (row[5].number_format, row[6].number_format) == (SPREADSHEET_FORMATS["kwh"], SPREADSHEET_FORMATS["pesos"])
    assert row[6].value == 1234567 and row[5].data_type == "n"
