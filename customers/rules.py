"""The rule of each customer and meter field: normalise, then validate, with the Spanish message.

Every path that takes one of these values from a person calls the function here: the add and
edit forms, the Excel import, the recharge lookup, the billing search, the admin's search. Each
function takes the text as typed and returns the value as stored, or raises `ValidationError`
(with a `code`) whose message can be shown as it is.

    rules.identification("CC", "1.100.000.000")   -> "1100000000"
    rules.identification("PP", "ab-123")           -> "AB123"
    rules.id_type("Cédula de ciudadanía")          -> "CC"
    rules.phone("+57 (300) 123-4567")              -> "3001234567"
    rules.drn("4700 0000 019")                     -> "47000000019"
    rules.search_key("  José  PÉREZ ")             -> "jose perez"

Only the ASCII digits 0-9 are digits: a full-width `１` or an Arabic-Indic `١` gets its own
message instead of being read (or silently converted by a Unicode normalisation).

The stored identification is always made of the characters A-Z and 0-9 only, whatever its type:
so `identification_key()` of what a cashier types finds the customer without knowing the type,
and the database's unique constraint on (entity, identification) holds for every spelling.
"""

import functools
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from aom.lib.numbers import FOREIGN_DIGIT_MESSAGE, NumberError, has_foreign_digit, parse_decimal
from tokens.sts import luhn_digit

ID_TYPES = ("CC", "NIT", "CE", "TI", "PP")
NUMERIC_ID_TYPES = ("CC", "NIT", "CE", "TI")
# (fewest, most) characters of the stored identification per type. Cédulas have had from 3
# (the oldest) to 10 digits; a NIT is 9 digits plus its check digit, which people write after a dash.
ID_LENGTHS = {"CC": (3, 10), "CE": (3, 15), "TI": (6, 11), "NIT": (5, 15), "PP": (4, 20)}
NAME_MAX = 200
ADDRESS_MAX = 200
EMAIL_MAX = 254
KWH_MAX = Decimal("9999.9")
KWH_STEP = Decimal("0.1")

# What people put between the digits of a number they write: spaces (also no-break), dots,
# dashes, commas, slashes. None of it is part of the identification.
_ID_SEPARATORS = re.compile(r"[\s.\-,/_\u00a0\u202f]+")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()\u00a0\u202f]+")
_WHITESPACE = re.compile(r"\s+")
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Spellings of each identification type, compared by `_alias_key` (letters only, no accents).
_ID_TYPE_ALIASES = {
    "CC": ("cc", "cedula", "ceduladeciudadania", "ceduladeciudadano", "cedulaciudadania", "cedulaciudadano"),
    "NIT": ("nit", "numerodeidentificaciontributaria"),
    "CE": ("ce", "cedulaextranjeria", "ceduladeextranjeria", "extranjeria"),
    "TI": ("ti", "tarjetadeidentidad", "tarjetaidentidad"),
    "PP": ("pp", "pa", "pasaporte", "passport", "pas"),
}
_ID_TYPE_BY_ALIAS = {alias: code for code, aliases in _ID_TYPE_ALIASES.items() for alias in aliases}


def _error(message, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _check_digits(text: str) -> None:
    if not text.isascii() and has_foreign_digit(text):
        raise _error(FOREIGN_DIGIT_MESSAGE, "foreign_digit")


def strip_accents(text: str) -> str:
    """`text` without its combining marks (é → e, ñ → n), other characters kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=512)  # an import asks for the same few spellings thousands of times
def _id_type_code(text: str) -> str | None:
    return _ID_TYPE_BY_ALIAS.get(_alias_key(text))


def _alias_key(text: str) -> str:
    return "".join(ch for ch in strip_accents(str(text)).lower() if "a" <= ch <= "z")


def clean_text(text) -> str:
    """Unicode NFC, no control or format characters, whitespace collapsed to single spaces."""
    text = str(text or "")
    if text.isascii():  # the usual case, fast (an import checks a hundred thousand cells)
        return _WHITESPACE.sub(" ", _ASCII_CONTROL.sub(" ", text)).strip()
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _WHITESPACE.sub(" ", text).strip()


def search_key(text) -> str:
    """The form in which names are compared by the search: no accents, no case, single spaces.
    Customer.search_name stores it; a search compares the key of what was typed with it."""
    return clean_text(strip_accents(clean_text(text))).casefold()


# -- identification --------------------------------------------------------------------------------
def id_type(value) -> str:
    """ "CC", "cc", "C.C.", "Cédula de ciudadanía", "Pasaporte"... → the type's code."""
    code = _id_type_code(str(value or "")[:60])
    if code is None:
        raise _error(
            _("Tipo de identificación no válido; use uno de: %(types)s."), "id_type", types=", ".join(ID_TYPES)
        )
    return code


def identification_key(text) -> str:
    """The stored form of any identification typed without its type (for lookups): separators
    removed, accents removed, upper-case. Never raises; an impossible value finds nobody."""
    return _ID_SEPARATORS.sub("", strip_accents(clean_text(text))).upper()


def identification(id_type_code: str, text) -> str:
    """The identification of a customer of type `id_type_code`, as stored.

    CC, CE, TI, NIT: digits only; the dots, spaces and dashes with which they are written are
    removed ("1.100.000.000", "900.123.456-7"). PP: letters and digits, upper-cased.
    """
    raw = clean_text(text)
    if not raw:
        raise _error(_("Escriba la identificación."), "required")
    _check_digits(raw)
    value = identification_key(raw)
    low, high = ID_LENGTHS.get(id_type_code, (3, 20))
    if id_type_code in NUMERIC_ID_TYPES:
        if not value.isascii() or not value.isdigit():
            raise _error(
                _("La identificación de tipo %(type)s lleva solo dígitos (puede escribirla con puntos)."),
                "identification",
                type=id_type_code,
            )
    elif not value.isascii() or not value.isalnum():
        raise _error(_("El pasaporte lleva solo letras y dígitos."), "identification")
    if not low <= len(value) <= high:
        raise _error(
            _("La identificación de tipo %(type)s debe tener de %(low)s a %(high)s caracteres."),
            "identification_length",
            type=id_type_code,
            low=low,
            high=high,
        )
    return value


def identification_lookup(text) -> str:
    """What a cashier or an administrator typed to find a customer: the stored form, or a
    clear message when it cannot be an identification at all."""
    raw = clean_text(text)
    if not raw:
        raise _error(_("Escriba la identificación."), "required")
    _check_digits(raw)
    value = identification_key(raw)
    if not value.isascii() or not value.isalnum() or len(value) > 20:
        raise _error(_("Una identificación lleva solo letras y dígitos."), "identification")
    return value


# -- person ---------------------------------------------------------------------------------------
def full_name(text) -> str:
    value = clean_text(text)
    if not value:
        raise _error(_("Escriba el nombre completo."), "required")
    if len(value) > NAME_MAX:
        raise _error(_("El nombre tiene más de %(max)s caracteres."), "too_long", max=NAME_MAX)
    return value


def address(text) -> str:
    value = clean_text(text)
    if len(value) > ADDRESS_MAX:
        raise _error(_("La dirección tiene más de %(max)s caracteres."), "too_long", max=ADDRESS_MAX)
    return value


def phone(text) -> str:
    """A Colombian mobile: "+57 300 123 4567", "(300) 123-4567" → "3001234567". Empty stays empty."""
    raw = clean_text(text)
    if not raw:
        return ""
    _check_digits(raw)
    digits = _PHONE_SEPARATORS.sub("", raw)
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("57"):
            raise _error(_("Ingrese un celular colombiano (+57)."), "phone")
    if len(digits) == 12 and digits.startswith("57"):
        digits = digits[2:]
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit() and digits.startswith("3")):
        raise _error(
            _("Ingrese un celular colombiano de 10 dígitos que empiece por 3 (por ejemplo 3001234567)."), "phone"
        )
    return digits


def email(text) -> str:
    value = clean_text(text).lower()
    if not value:
        return ""
    if len(value) > EMAIL_MAX:
        raise _error(_("Correo electrónico no válido."), "email")
    try:
        validate_email(value)
    except ValidationError:
        raise _error(_("Correo electrónico no válido."), "email") from None
    return value


# -- meter ----------------------------------------------------------------------------------------
def drn(text) -> str:
    """The meter's serial: 11 digits whose last is the Luhn digit of the others (spaces and
    dashes as printed on the label are removed)."""
    raw = clean_text(text)
    if not raw:
        raise _error(_("Escriba el serial del medidor."), "required")
    _check_digits(raw)
    value = _ID_SEPARATORS.sub("", raw)
    if not (len(value) == 11 and value.isascii() and value.isdigit()):
        raise _error(_("El serial del medidor debe tener 11 dígitos."), "drn_format")
    if luhn_digit(value[:-1]) != value[-1]:
        raise _error(_("El dígito de control del serial del medidor no es válido."), "drn_luhn")
    return value


def validate_drn(value: str) -> None:
    """Model validator: `value` is already in its stored form."""
    if drn(value) != value:
        raise _error(_("El serial del medidor debe tener 11 dígitos."), "drn_format")


def kwh(value) -> Decimal:
    """Energy in 0.1 kWh steps, from 0 to KWH_MAX. Text goes through the one number parser
    ("10,5", "1.000"); an empty value is 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0.0")
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = parse_decimal(str(value), places=1, allow_negative=True)
        except NumberError as exc:
            if exc.code == "places":
                raise _error(_("Los kWh van de 0,1 en 0,1: escriba como máximo un decimal."), "kwh_step") from None
            raise ValidationError(str(exc), code=exc.code) from None
    if not number.is_finite() or number != number.quantize(KWH_STEP):
        raise _error(_("Los kWh van de 0,1 en 0,1: escriba como máximo un decimal."), "kwh_step")
    if number < 0:
        raise _error(_("El valor no puede ser negativo."), "negative")
    if number > KWH_MAX:
        raise _error(_("El valor no puede pasar de %(max)s kWh."), "kwh_max", max="9.999,9")
    return number.quantize(KWH_STEP)
