"""The money rules of a recharge (SPEC §3), as a table of cases."""

from decimal import Decimal as D

import pytest

from billing.money import MAX_AMOUNT, MoneyError, format_pesos, parse_amount, quote

# amount, price per kWh, IVA %, → kWh, total, subtotal, IVA
CASES = [
    # The seed's example line: 3 kWh at 500 with 19 % IVA inside the total.
    ("1500", "500", "19", "3.0", "1500", "1261", "239"),
    # Money that does not buy a whole 0.1 kWh step stays with the customer (change 49).
    ("1549", "500", "19", "3.0", "1500", "1261", "239"),
    ("1550", "500", "19", "3.1", "1550", "1303", "247"),
    # The smallest sale: one 0.1 kWh step.
    ("50", "500", "19", "0.1", "50", "42", "8"),
    # 0 % IVA (public electricity is excluded from IVA in Colombia).
    ("1500", "500", "0", "3.0", "1500", "1500", "0"),
    ("20000", "812.50", "0", "24.6", "19988", "19988", "0"),
    # A price with cents: the total is rounded to the whole peso, half up (9993.75 → 9994).
    ("10000", "812.50", "19", "12.3", "9994", "8398", "1596"),
    # Half a peso rounds up, not to even (0.1 × 805 = 80.5 → 81).
    ("100", "805", "19", "0.1", "81", "68", "13"),
    # Subtotal at exactly half a peso rounds up too (81 ÷ 2 = 40.5 → 41).
    ("100", "805", "100", "0.1", "81", "41", "40"),
    # kWh rounds down, never up: 999 / 1000 = 0.999 → 0.9.
    ("999", "1000", "19", "0.9", "900", "756", "144"),
    # The largest amount with 0.1 kWh resolution in the code (1638.3 kWh)...
    ("819150", "500", "19", "1638.3", "819150", "688361", "130789"),
    # ...and above it the code counts in whole kWh: 1638.5 kWh is sold as 1638.4.
    ("819200", "500", "19", "1638.4", "819200", "688403", "130797"),
    ("819250", "500", "19", "1638.4", "819200", "688403", "130797"),
    ("1000000", "500", "19", "1999.4", "999700", "840084", "159616"),
    # The maximum the code can carry, whatever is paid beyond it.
    ("100000000", "1", "0", "1820162.4", "1820162", "1820162", "0"),
]


@pytest.mark.parametrize(("amount", "price", "rate", "kwh", "total", "subtotal", "iva"), CASES)
def test_a_quote_follows_the_money_rules(amount, price, rate, kwh, total, subtotal, iva):
    q = quote(D(amount), D(price), D(rate))
    assert (q.kwh, q.total, q.subtotal, q.iva) == (D(kwh), D(total), D(subtotal), D(iva))
    assert q.subtotal + q.iva == q.total
    assert q.total <= q.amount_received
    assert q.change == D(amount) - D(total)


def test_every_value_of_a_quote_is_a_decimal():
    q = quote(D("1500"), D("500"), D("19"))
    for value in (q.kwh, q.total, q.subtotal, q.iva, q.change):
        assert isinstance(value, D)


@pytest.mark.parametrize("price", ["500", "812.50", "333.33", "1234.56"])
def test_the_total_never_exceeds_the_amount_received(price):
    for amount in range(1, 5000, 7):
        try:
            q = quote(D(amount), D(price), D("19"))
        except MoneyError:
            assert D(amount) * 10 < D(price)  # not even 0.1 kWh
            continue
        assert q.total <= amount
        # And no further 0.1 kWh step would have fitted.
        assert (q.kwh + D("0.1")) * D(price) > amount


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("49", "El valor no alcanza para 0,1 kWh: el mínimo es $ 50."),
        ("0", "El valor no alcanza para 0,1 kWh: el mínimo es $ 50."),
        ("-1500", "El valor no puede ser negativo."),
        ("1500.5", "sin decimales"),
        (str(MAX_AMOUNT + 1), "El valor es demasiado grande: el máximo por recarga es $ 100.000.000."),
        ("NaN", "El valor no es un número."),
        ("Infinity", "El valor no es un número."),
    ],
)
def test_bad_amounts_are_refused_with_a_clear_message(amount, message):
    with pytest.raises(MoneyError, match=message.replace("$", r"\$").replace(".", r"\.")):
        quote(D(amount), D("500"), D("19"))


@pytest.mark.parametrize("price", [None, D("0")])
def test_no_price_means_no_quote(price):
    with pytest.raises(MoneyError, match="El producto no tiene precio por kWh"):
        quote(D("1500"), price, D("19"))


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("15000", "15000"),
        ("15.000", "15000"),
        ("15,000", "15000"),
        ("15 000", "15000"),
        ("$15.000", "15000"),
        ("$ 1.500.000", "1500000"),
        ("  2500 ", "2500"),
    ],
)
def test_amounts_are_read_as_cashiers_type_them(typed, amount):
    assert parse_amount(typed) == D(amount)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Escriba el valor recibido."),
        ("-500", "El valor no puede ser negativo."),
        ("abc", "sin decimales"),
        ("1.5", "sin decimales"),
        ("1,50", "sin decimales"),
        ("15.00.000", "sin decimales"),
        ("1e5", "sin decimales"),
        ("999999999999999999999", "demasiado grande"),
    ],
)
def test_typed_amounts_that_are_not_pesos_are_refused(typed, message):
    with pytest.raises(MoneyError, match=message):
        parse_amount(typed)


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("1500"), "$ 1.500"), (D("0"), "$ 0"), (D("1820162"), "$ 1.820.162"), (D("812.5"), "$ 812,50")],
)
def test_pesos_are_shown_with_colombian_separators(value, text):
    assert format_pesos(value) == text
