from decimal import Decimal

from django import template

from billing.money import format_pesos

register = template.Library()


@register.filter
def pesos(value) -> str:
    """A peso amount for display: 1500 → "$ 1.500"."""
    if value in (None, ""):
        return ""
    return format_pesos(Decimal(value))


@register.filter
def kwh(value) -> str:
    """Energy for display with one decimal and a decimal comma: 3.0 → "3,0"."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value):.1f}".replace(".", ",")
