"""How numbers are shown: one filter for pesos, one for kWh (and one for counts and one for
percentages), the same in Spanish and in English. See `aom.lib.numbers.format_decimal`."""

from decimal import Decimal

from django import template

from aom.lib.numbers import format_decimal
from billing.money import format_kwh, format_percent, format_pesos

register = template.Library()


@register.filter
def pesos(value) -> str:
    """A peso amount: 1500 → "$ 1.500", 812.5 → "$ 812,50"."""
    if value in (None, ""):
        return ""
    return format_pesos(Decimal(value))


@register.filter
def kwh(value) -> str:
    """Energy with one decimal and a decimal comma: 1234.5 → "1.234,5" (the page writes "kWh")."""
    if value in (None, ""):
        return ""
    return format_kwh(Decimal(value))


@register.filter
def count(value) -> str:
    """A whole number grouped by thousands: 12345 → "12.345"."""
    if value in (None, ""):
        return ""
    return format_decimal(Decimal(value), 0)


@register.filter
def percent(value) -> str:
    """A rate: 19.00 → "19", 5.5 → "5,50" (the page writes "%")."""
    if value in (None, ""):
        return ""
    return format_percent(Decimal(value))
