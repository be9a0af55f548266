"""The one parser of typed numbers (`aom.lib.numbers`), as Colombians and others type them."""

from decimal import Decimal as D

import pytest

from aom.lib.numbers import NumberError, ascii_digits_only, has_foreign_digit, parse_decimal


@pytest.mark.parametrize(
    ("typed", "places", "value"),
    [
        ("1000", 2, "1000"),
        ("1.000", 2, "1000"),
        ("1.000,50", 2, "1000.50"),
        ("1,000.50", 2, "1000.50"),
        ("1000.5", 2, "1000.5"),
        ("1000,5", 2, "1000.5"),
        ("683,5", 2, "683.5"),
        ("683.25", 2, "683.25"),
        ("0,1", 1, "0.1"),
        ("0.5", 1, "0.5"),
        ("1.000.000", 0, "1000000"),
        ("1,000,000", 0, "1000000"),
        ("1 000 000", 0, "1000000"),
        ("1\u00a0000", 0, "1000"),
        ("$ 15.000", 0, "15000"),
        ("$15.000", 0, "15000"),
        ("15,000", 0, "15000"),
        ("  2500 ", 0, "2500"),
        ("1.234.567,8", 1, "1234567.8"),
        ("0", 2, "0"),
        ("007", 0, "7"),
    ],
)
def test_numbers_are_read_as_typed_in_colombia(typed, places, value):
    assert parse_decimal(typed, places=places) == D(value)


@pytest.mark.parametrize(
    ("typed", "places", "code"),
    [
        ("", 2, "empty"),
        ("   ", 2, "empty"),
        ("abc", 2, "invalid"),
        ("1e5", 2, "invalid"),
        ("12a", 2, "invalid"),
        ("1,5,", 2, "grouping"),
        ("-5", 2, "negative"),
        ("$ -5", 2, "negative"),
        ("1,000", 2, "ambiguous"),
        ("683,500", 1, "ambiguous"),
        ("0.125", 2, "places"),
        ("1,55", 1, "places"),
        ("1.5", 0, "places"),
        ("15.00.000", 0, "grouping"),
        ("1.00,5", 2, "grouping"),
        ("1.000.5", 2, "grouping"),
        ("1.000,5,0", 2, "invalid"),
        (",5", 2, "invalid"),
        ("9" * 16, 0, "too_large"),
        ("9" * 5000, 0, "too_large"),
        ("١٢٣", 0, "foreign_digit"),
        ("１２３", 0, "foreign_digit"),
        ("12٣", 0, "foreign_digit"),
        ("²", 0, "foreign_digit"),
    ],
)
def test_numbers_that_could_be_misread_are_refused_with_a_reason(typed, places, code):
    with pytest.raises(NumberError) as caught:
        parse_decimal(typed, places=places)
    assert caught.value.code == code
    assert str(caught.value)


def test_negative_numbers_only_where_allowed():
    assert parse_decimal("-1.000,5", places=1, allow_negative=True) == D("-1000.5")


def test_ambiguous_comma_names_both_readings():
    with pytest.raises(NumberError, match="1000.*1,0|1000"):
        parse_decimal("1,000", places=2)


@pytest.mark.parametrize(
    ("text", "foreign", "ascii_only"),
    [("123", False, True), ("", False, False), ("12-3", False, False), ("١٢", True, False), ("１", True, False)],
)
def test_digit_helpers(text, foreign, ascii_only):
    assert has_foreign_digit(text) is foreign
    assert ascii_digits_only(text) is ascii_only
