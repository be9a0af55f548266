"""The money arithmetic of a recharge, in one place.

Amounts are Colombian pesos, always `Decimal`. Energy is sold in 0.1 kWh steps, the code's
resolution:

- kWh = amount ÷ price, rounded DOWN to 0.1 kWh, then down again to an amount the code can carry
  exactly (above 1638.3 kWh the code's encoding is coarser than 0.1 kWh);
- total = kWh × price, rounded to the whole peso (half up): the money actually charged, never more
  than the amount received;
- the price includes IVA: subtotal = total ÷ (1 + rate) rounded to the whole peso (half up),
  IVA = total − subtotal.

Nothing else in the project computes money: views, templates and the service call `quote()`.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from aom.lib.numbers import NumberError, format_decimal, parse_decimal
from tokens.sts import amount_floor

PESO = Decimal("1")
KWH_STEP = Decimal("0.1")
# A sanity bound on one recharge: far above what a home buys, far below what the receipt
# columns hold. A typing slip (an extra zero or two) stops here instead of issuing a code.
MAX_AMOUNT = Decimal("100000000")


class MoneyError(ValueError):
    """The amount cannot buy a recharge. The message is the one shown to the cashier."""


@dataclass(frozen=True)
class Quote:
    """What an amount buys at a price: what the confirmation page shows and the receipt keeps."""

    amount_received: Decimal
    price_per_kwh: Decimal
    iva_percent: Decimal
    kwh: Decimal
    total: Decimal
    subtotal: Decimal
    iva: Decimal

    @property
    def change(self) -> Decimal:
        """The money handed back: the amount received minus what the energy costs."""
        return self.amount_received - self.total


def format_pesos(value: Decimal) -> str:
    """`Decimal("1500")` → "$ 1.500"; `Decimal("812.5")` → "$ 812,50" (Colombian separators).

    The one writing of money for pages, receipts, reports and PDFs, in both languages (the
    `pesos` template filter); spreadsheets get `SPREADSHEET_FORMATS` instead.
    """
    return "$ " + format_decimal(value, 2, trim=True)


def format_kwh(value: Decimal) -> str:
    """`Decimal("1234.5")` → "1.234,5": energy with one decimal, the code's resolution (the
    `kwh` template filter; the unit is written by the page)."""
    return format_decimal(value, 1)


def format_percent(value: Decimal) -> str:
    """`Decimal("19.00")` → "19"; `Decimal("5.5")` → "5,50" (the `percent` template filter)."""
    return format_decimal(value, 2, trim=True)


# Excel number formats, the same figures as `format_pesos` and `format_kwh`: Excel itself draws
# the separators of the reader's own settings, so the cells stay numbers that add up.
SPREADSHEET_FORMATS = {
    "pesos": '"$ "#,##0',
    "price": '"$ "#,##0.00',
    "kwh": "#,##0.0",
    "count": "#,##0",
}


def parse_amount(text: str) -> Decimal:
    """A peso amount typed by the cashier, as a whole Decimal; MoneyError if it is not one.

    The reading of the typed text is the project's one number parser (`aom.lib.numbers`); only
    the messages are the cashier's own.
    """
    if not (text or "").strip():
        raise MoneyError(_("Escriba el valor recibido."))
    try:
        amount = parse_decimal(text, places=0)
    except NumberError as exc:
        if exc.code in ("foreign_digit", "negative", "too_large"):
            raise MoneyError(str(exc)) from None
        raise MoneyError(_("Escriba el valor en pesos, sin decimales (por ejemplo 15000 o 15.000).")) from None
    check_amount(amount)
    return amount


def check_amount(amount: Decimal) -> None:
    """MoneyError unless `amount` is a whole, positive peso amount within the sanity bound."""
    try:
        whole = amount == amount.to_integral_value()
    except (InvalidOperation, AttributeError):
        raise MoneyError(_("El valor no es un número.")) from None
    if not amount.is_finite():
        raise MoneyError(_("El valor no es un número."))
    if amount < 0:
        raise MoneyError(_("El valor no puede ser negativo."))
    if not whole:
        raise MoneyError(_("Escriba el valor en pesos, sin decimales (por ejemplo 15000 o 15.000)."))
    if amount > MAX_AMOUNT:
        raise MoneyError(
            _("El valor es demasiado grande: el máximo por recarga es %(max)s.") % {"max": format_pesos(MAX_AMOUNT)}
        )


def quote(amount: Decimal, price_per_kwh: Decimal, iva_percent: Decimal) -> Quote:
    """The kWh, total, subtotal and IVA that `amount` pesos buy at `price_per_kwh` (IVA included)."""
    check_amount(amount)
    if price_per_kwh is None or price_per_kwh <= 0:
        raise MoneyError(_("El producto no tiene precio por kWh. Un administrador debe configurarlo."))
    # Floor division on Decimals is exact for these sizes: no intermediate rounding can push
    # the quotient over a 0.1 kWh boundary.
    tenths = int((amount * 10) // price_per_kwh)
    tenths = amount_floor(tenths) if tenths > 0 else 0
    if tenths < 1:
        minimum = (KWH_STEP * price_per_kwh).quantize(PESO, rounding=ROUND_HALF_UP)
        raise MoneyError(_("El valor no alcanza para 0,1 kWh: el mínimo es %(min)s.") % {"min": format_pesos(minimum)})
    kwh = (Decimal(tenths) * KWH_STEP).quantize(KWH_STEP, rounding=ROUND_DOWN)
    total = (kwh * price_per_kwh).quantize(PESO, rounding=ROUND_HALF_UP)
    rate = iva_percent / Decimal(100)
    subtotal = (total / (1 + rate)).quantize(PESO, rounding=ROUND_HALF_UP)
    return Quote(
        amount_received=amount,
        price_per_kwh=price_per_kwh,
        iva_percent=iva_percent,
        kwh=kwh,
        total=total,
        subtotal=subtotal,
        iva=total - subtotal,
    )
