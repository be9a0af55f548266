"""Numbers as people in Colombia type them: the one parser of typed quantities.

Every path that reads a typed number (money, prices, kWh, from a form, a query string or a
spreadsheet cell written as text) calls `parse_decimal`. The rules, in order:

- Only the ASCII digits 0-9 count as digits. A full-width `１` or an Arabic-Indic `١` is refused
  with its own message instead of being read (Python's `int()` and `\\d` would accept them).
- A leading `$` and spaces around are ignored; a space, a no-break space or a narrow no-break
  space between groups of three digits is a thousands separator.
- With both `.` and `,` the last one is the decimal mark (`1.000,50` and `1,000.50` are both one
  thousand and a half); the other groups thousands.
- A separator that appears several times groups thousands (`1.000.000`).
- A single `.` followed by exactly three digits groups thousands (`1.000` is one thousand, as
  Colombians write it); otherwise it is the decimal mark (`1000.5`, `683.25`).
- A single `,` is the decimal mark (`683,5`), except before exactly three digits, where it could
  be either; there it groups thousands only when the quantity has no decimals (pesos), and is
  refused as ambiguous otherwise: a number is never read as a different one.

Grouping must be regular (1-3 digits, then groups of three). The result is a `Decimal` with no
more decimals than the caller allows; a caller that wants a range checks it itself.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

# Any Unicode decimal digit that is not 0-9: what `str.isdigit()`-style checks let through.
_FOREIGN_DIGIT = re.compile(r"[^\x00-\x7f]")
_GROUP_SPACES = re.compile(r"(?<=[0-9])[ \u00a0\u202f](?=[0-9]{3}(?![0-9]))")
_SHAPE = re.compile(r"^[0-9][0-9.,]*$")
_THOUSANDS = re.compile(r"^[1-9][0-9]{0,2}(?:[.,][0-9]{3})*$|^0$")

# The one message for a digit other than 0-9, wherever a number or an identification is typed.
FOREIGN_DIGIT_MESSAGE = _("Escriba los números solo con los dígitos 0 a 9.")

# A quantity typed by a person never needs more integer digits than this; it also keeps a pasted
# 10,000-digit string from reaching Decimal arithmetic.
MAX_INTEGER_DIGITS = 15


class NumberError(ValueError):
    """The text is not a number this parser accepts. `str()` is the message for the user; `code`
    says which rule refused it ("empty", "foreign_digit", "negative", "invalid", "grouping",
    "ambiguous", "too_large", "places") for callers that word their own message."""

    def __init__(self, message, code: str = "invalid"):
        super().__init__(message)
        self.code = code


def has_foreign_digit(text: str) -> bool:
    """True if `text` holds a Unicode digit other than ASCII 0-9 (full-width, Arabic-Indic…)."""
    return any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text)


def ascii_digits_only(text: str) -> bool:
    """True if `text` is a non-empty run of the ASCII digits 0-9 and nothing else."""
    return bool(text) and all("0" <= ch <= "9" for ch in text)


def parse_decimal(text: str, *, places: int = 2, allow_negative: bool = False) -> Decimal:
    """`text` as a Decimal with at most `places` decimals; NumberError with a Spanish message."""
    text = str(text if text is not None else "").strip()
    if has_foreign_digit(text):
        raise NumberError(FOREIGN_DIGIT_MESSAGE, "foreign_digit")
    negative = False
    if text.startswith("-"):
        negative = True
        text = text[1:].lstrip()
    if text.startswith("$"):
        text = text[1:].lstrip()
    if text.startswith("-"):  # "$ -500"
        negative = True
        text = text[1:].lstrip()
    if not text:
        raise NumberError(_("Escriba un número."), "empty")
    text = _GROUP_SPACES.sub("", text)
    if not _SHAPE.match(text) or _FOREIGN_DIGIT.search(text):
        raise NumberError(_("«%(text)s» no es un número.") % {"text": text[:30]})
    if negative and not allow_negative:
        raise NumberError(_("El valor no puede ser negativo."), "negative")

    integer, fraction = _split(text, places)
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise NumberError(_("El número es demasiado grande."), "too_large")
    if len(fraction) > places:
        if places == 0:
            raise NumberError(_("Escriba el número sin decimales (por ejemplo 15000 o 15.000)."), "places")
        raise NumberError(
            _("Escriba como máximo %(places)d decimales (por ejemplo 683,5).") % {"places": places},
            "places",
        )
    value = Decimal(f"{integer}.{fraction}" if fraction else integer)
    return -value if negative else value


def _split(text: str, places: int) -> tuple[str, str]:
    """The integer digits and the decimal digits of a number shaped like `_SHAPE`."""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        mark = "." if text.rfind(".") > text.rfind(",") else ","
        if text.count(mark) > 1:
            raise NumberError(_("«%(text)s» no es un número.") % {"text": text[:30]})
        head, fraction = text.rsplit(mark, 1)
        return _grouped(head, text), fraction
    if not dots and not commas:
        return text, ""
    sep = "." if dots else ","
    if text.count(sep) > 1:
        return _grouped(text, text), ""
    head, tail = text.split(sep)
    if len(tail) == 3 and _THOUSANDS.match(text):
        if sep == "." or places == 0:
            return head + tail, ""
        raise NumberError(
            _("«%(text)s» puede leerse de dos maneras: escriba %(a)s para el entero o %(b)s para el decimal.")
            % {"text": text, "a": head + tail, "b": f"{head},{tail.rstrip('0') or '0'}"},
            "ambiguous",
        )
    if not head:
        raise NumberError(_("«%(text)s» no es un número.") % {"text": text[:30]})
    return head, tail


def _grouped(head: str, whole: str) -> str:
    """`head` with its thousands separators removed, if it is grouped by three; else an error."""
    if not _THOUSANDS.match(head):
        raise NumberError(
            _("«%(text)s» no es un número: los miles se separan de tres en tres (por ejemplo 1.000.000).")
            % {"text": whole[:30]},
            "grouping",
        )
    return head.replace(".", "").replace(",", "")


# A page of a list: far past any real list, and small enough that page × size fits a database integer.
MAX_PAGE = 10**6


def page_number(text: str | None) -> int:
    """The page asked for in a query string (`?page=`): ASCII digits, clamped to 1..MAX_PAGE;
    anything else (empty, `²`, `١٢`, `-1`, a 30-digit number) is page 1 or the last allowed."""
    text = (text or "").strip()
    if not ascii_digits_only(text):
        return 1
    if len(text) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(1, int(text)), MAX_PAGE)


def format_decimal(value, places: int, *, trim: bool = False) -> str:
    """`value` written the Colombian way: `1234567.5` → "1.234.567,50" (places=2).

    The one way the project writes a quantity for people, in Spanish and in English alike: the
    amounts are Colombian pesos and the receipts are Colombian documents, so an English page
    shows the same figure as the paper the customer holds. With `trim`, decimals that are all
    zero are left out (`19.00` → "19", `19.50` → "19,50"). Rounding is half up.
    """
    value = Decimal(value)
    quantum = Decimal(1).scaleb(-places)
    value = value.quantize(quantum, rounding=ROUND_HALF_UP)
    if trim and value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    sign = "-" if value < 0 else ""
    integer, _, fraction = f"{abs(value):f}".partition(".")
    groups = []
    while len(integer) > 3:
        integer, groups = integer[:-3], [integer[-3:], *groups]
    text = ".".join([integer, *groups])
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"
