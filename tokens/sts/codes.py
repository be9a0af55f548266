"""The 20-digit code: amounts, TIDs, CRC, the 64-bit block, the class bits; issuing and decoding.

The 64-bit block, most significant first: subclass(4) RND(4) TID(24) amount or value(16) CRC(16);
key change parts and class 1 test codes share the frame with other fields (see issue_key_change,
issue_test_token). The CRC is CRC-16/MODBUS over class(2) and the block's top 48 bits, right-aligned
in 7 bytes, stored byte-swapped. The block is STA-encrypted (not for class 1); the 2 class bits then
take the place of bits 28..27 of the result, whose own bits move to bits 65..64. The 66-bit number
is printed in decimal, zero-padded to 20 digits.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import IntEnum

from .errors import AmountError, CodeFormatError, KeyRequiredError, ParameterError, TidError
from .keys import BASE_DATES, DecoderKey
from .sta import MASK64, STA

MAX_TID = (1 << 24) - 1
MAX_CODE = (1 << 66) - 1
_CLASS_BITS = 3 << 27


# -- amounts ------------------------------------------------------------------------------------

# Value of the field with exponent e and mantissa m: m * 10**e + _OFFSETS[e] (in tenths).
_OFFSETS = (0, 16384, 180224, 1818624)
_SCALES = (1, 10, 100, 1000)
MAX_AMOUNT = 16383 * 1000 + _OFFSETS[3]  # 18201624 tenths


def encode_amount(tenths: int) -> int:
    """The 16-bit exponent/mantissa field for a value in tenths, with the smallest exponent that fits.

    The mantissa is rounded up: the encoded value is the smallest encodable value >= tenths.
    """
    if not isinstance(tenths, int) or not 0 <= tenths <= MAX_AMOUNT:
        raise AmountError(f"the value must be between 0 and {MAX_AMOUNT} tenths")
    for e in range(4):
        m = -(-(tenths - _OFFSETS[e]) // _SCALES[e])  # ceiling division
        if m <= 16383:
            return e << 14 | max(m, 0)
    raise AssertionError("unreachable: MAX_AMOUNT fits with e = 3")


def decode_amount(field_value: int) -> int:
    """The value in tenths that a 16-bit exponent/mantissa field carries."""
    if not isinstance(field_value, int) or not 0 <= field_value <= 0xFFFF:
        raise AmountError("the field must be between 0 and 65535")
    e = field_value >> 14
    return (field_value & 0x3FFF) * _SCALES[e] + _OFFSETS[e]


def amount_floor(tenths: int) -> int:
    """The largest exactly encodable value <= tenths (never sell more than is paid)."""
    if not isinstance(tenths, int) or tenths < 0:
        raise AmountError("the value must be zero or more tenths")
    for e in (3, 2, 1, 0):
        if tenths >= _OFFSETS[e]:
            m = min((tenths - _OFFSETS[e]) // _SCALES[e], 16383)
            return m * _SCALES[e] + _OFFSETS[e]
    raise AssertionError("unreachable: _OFFSETS[0] is 0")


# -- token identifier ---------------------------------------------------------------------------


def _base(base_date: int) -> datetime:
    if base_date not in BASE_DATES:
        raise TidError("the base date must be 1993, 2014 or 2035")
    return datetime(base_date, 1, 1, tzinfo=UTC)


def tid_from_datetime(when: datetime, base_date: int) -> int:
    """Minutes elapsed since the base date (UTC), as a 24-bit token identifier."""
    if not isinstance(when, datetime) or when.tzinfo is None or when.utcoffset() is None:
        raise TidError("the time must be an aware datetime (with a time zone)")
    base = _base(base_date)
    if when < base:
        raise TidError(f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC is before the base date {base_date}-01-01")
    tid = (when - base) // timedelta(minutes=1)
    if tid > MAX_TID:
        last = base + timedelta(minutes=MAX_TID)
        raise TidError(f"the TID range of base date {base_date} ended on {last:%Y-%m-%d %H:%M} UTC")
    return tid


def next_tid(when: datetime, base_date: int, last_tid: int | None = None) -> int:
    """The TID for a new code of a meter: max(now, last + 1), as two codes must never share one."""
    tid = tid_from_datetime(when, base_date)
    if last_tid is None or tid > last_tid:
        return tid
    _check_tid(last_tid)
    if last_tid == MAX_TID:
        raise TidError(f"the meter has used the last TID of base date {base_date}: it needs a key change")
    return last_tid + 1


def datetime_from_tid(tid: int, base_date: int) -> datetime:
    """The UTC time a token identifier stands for."""
    _check_tid(tid)
    return _base(base_date) + timedelta(minutes=tid)


def _check_tid(tid: int) -> None:
    if not isinstance(tid, int) or not 0 <= tid <= MAX_TID:
        raise TidError(f"the TID must be between 0 and {MAX_TID}")


# -- CRC and the 66-bit frame -------------------------------------------------------------------


def _crc_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc_table()


def crc16(data: bytes) -> int:
    """CRC-16/MODBUS: polynomial x^16+x^15+x^2+1 reflected (0xA001), init 0xFFFF, no final XOR."""
    crc = 0xFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def crc_field(token_class: int, head: int) -> int:
    """The CRC field (byte-swapped CRC) over class | the 48 bits above the CRC in the block."""
    crc = crc16((token_class << 48 | head).to_bytes(7, "big"))
    return (crc & 0xFF) << 8 | crc >> 8


def _frame(token_class: int, head: int, key: DecoderKey | None) -> str:
    """The code for a block's top 48 bits: add the CRC, encrypt (not class 1), place the class bits."""
    block = head << 16 | crc_field(token_class, head)
    e = block if token_class == 1 else STA.encrypt_with(key._encryption_schedule(), block)
    code = (e & ~_CLASS_BITS) | token_class << 27 | (e & _CLASS_BITS) << 37
    return f"{code:020d}"


def format_code(code: str) -> str:
    """A code in groups of four digits, as printed on a receipt: "2371 6100 5011 8319 4197"."""
    digits = _normalise(code)
    if digits is None:
        raise CodeFormatError("a code must be 20 digits")
    return " ".join(digits[i : i + 4] for i in range(0, 20, 4))


def _normalise(code: str) -> str | None:
    if not isinstance(code, str):
        return None
    digits = code.replace(" ", "").replace("-", "")
    if len(digits) != 20 or not digits.isascii() or not digits.isdigit():
        return None
    return digits


# -- issuing ------------------------------------------------------------------------------------


class Service(IntEnum):
    """Class 0 subclasses: what the credit is of (in tenths of kWh or m3)."""

    ELECTRICITY = 0
    WATER = 1
    GAS = 2
    TIME = 3


class Management(IntEnum):
    """Class 2 subclasses (meter-specific management)."""

    MAX_POWER_LIMIT = 0
    CLEAR_CREDIT = 1
    SET_TARIFF_RATE = 2
    KEY_CHANGE_1 = 3
    KEY_CHANGE_2 = 4
    CLEAR_TAMPER = 5
    MAX_PHASE_UNBALANCE_LIMIT = 6
    WATER_METER_FACTOR = 7


# Management codes whose field carries an exponent/mantissa value rather than a raw one.
_ENCODED_VALUE = {
    Management.MAX_POWER_LIMIT,
    Management.SET_TARIFF_RATE,
    Management.MAX_PHASE_UNBALANCE_LIMIT,
    Management.WATER_METER_FACTOR,
}
_SERVICES = {"electricity": Service.ELECTRICITY, "water": Service.WATER, "gas": Service.GAS}

_TENTH = Decimal("0.1")


def _check_key(key) -> DecoderKey:
    if not isinstance(key, DecoderKey):
        raise ParameterError("a DecoderKey is needed to issue class 0 and 2 codes")
    return key


def _rnd(rnd: int | None) -> int:
    if rnd is None:
        return secrets.randbelow(16)
    if not isinstance(rnd, int) or not 0 <= rnd <= 15:
        raise ParameterError("the RND must be between 0 and 15")
    return rnd


def amount_to_tenths(amount: Decimal) -> int:
    """kWh or m3 as a Decimal with at most one decimal place, to an int of tenths."""
    if not isinstance(amount, Decimal | int) or isinstance(amount, bool):
        raise AmountError("the amount must be a Decimal")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise AmountError("the amount must be a number")
    tenths = amount * 10
    if tenths != tenths.to_integral_value():
        raise AmountError(f"the amount {amount} has more than one decimal place (resolution 0.1)")
    return int(tenths)


def issue_credit(
    key: DecoderKey, amount: Decimal, *, tid: int, service: str = "electricity", rnd: int | None = None
) -> str:
    """A class 0 credit code for an amount in kWh (electricity) or m3 (water, gas), resolution 0.1.

    The amount is encoded rounding up (see encode_amount); pass amount_floor() of what was paid to
    never give more than that.
    """
    _check_key(key)
    if service not in _SERVICES:
        raise ParameterError("the service must be electricity, water or gas")
    tenths = amount_to_tenths(amount)
    if tenths <= 0:
        raise AmountError("the amount must be more than zero")
    field_value = encode_amount(tenths)
    _check_tid(tid)
    head = _SERVICES[service] << 44 | _rnd(rnd) << 40 | tid << 16 | field_value
    return _frame(0, head, key)


def issue_management(key: DecoderKey, subclass: int, value: int, *, tid: int, rnd: int | None = None) -> str:
    """A class 2 management code (subclasses 0, 1, 2, 5, 6, 7; key changes use issue_key_change).

    value is what the field carries: the register for clear credit (0 electricity, 65535 all), the pad
    (0) for clear tamper, and for the others a value encoded with exponent/mantissa (rounding up):
    watts for the power limits, the meter's units for the tariff rate and the water meter factor.
    """
    _check_key(key)
    try:
        sub = Management(subclass)
    except ValueError:
        raise ParameterError(f"unknown management subclass {subclass!r} (expected 0, 1, 2, 5, 6 or 7)") from None
    if sub in (Management.KEY_CHANGE_1, Management.KEY_CHANGE_2):
        raise ParameterError("subclasses 3 and 4 are the two key change codes: issue them together (key-change)")
    if sub in _ENCODED_VALUE:
        field_value = encode_amount(value)
    elif not isinstance(value, int) or not 0 <= value <= 0xFFFF:
        raise ParameterError("the value must be between 0 and 65535")
    else:
        field_value = value
    _check_tid(tid)
    head = sub << 44 | _rnd(rnd) << 40 | tid << 16 | field_value
    return _frame(2, head, key)


def issue_key_change(
    key: DecoderKey,
    new_key: DecoderKey,
    *,
    krn: int,
    kt: int,
    ti: str,
    ken: int = 255,
    rollover: bool = False,
) -> tuple[str, str]:
    """The two key change codes (part 1, part 2), both encrypted with the current key.

    They carry the new key, its KRN, KT and TI, the key expiry number KEN (255: never) and RO
    (rollover: the meter clears its TID memory, for a change of base date).
    """
    _check_key(key)
    if not isinstance(new_key, DecoderKey):
        raise ParameterError("the new key must be a DecoderKey")
    if not isinstance(krn, int) or not 1 <= krn <= 9:
        raise ParameterError("the KRN must be between 1 and 9")
    if not isinstance(kt, int) or not 0 <= kt <= 3:
        raise ParameterError("the KT must be between 0 and 3")
    if not isinstance(ti, str) or not ti.isascii() or not ti.isdigit() or len(ti) != 2:
        raise ParameterError("the TI must be 2 digits")
    if not isinstance(ken, int) or not 0 <= ken <= 255:
        raise ParameterError("the KEN must be between 0 and 255")
    nk = int(new_key)
    part1 = Management.KEY_CHANGE_1 << 44 | (ken >> 4) << 40 | krn << 36 | bool(rollover) << 35 | kt << 32 | nk >> 32
    part2 = Management.KEY_CHANGE_2 << 44 | (ken & 15) << 40 | int(ti) << 32 | nk & 0xFFFFFFFF
    return _frame(2, part1, key), _frame(2, part2, key)


def issue_test_token(subclass: int = 0, *, control: int | None = None, manufacturer: int = 0) -> str:
    """A class 1 test/display code (not encrypted, works on any meter of the manufacturer).

    Subclass 0: 36-bit control and 8-bit manufacturer code; subclass 1: 28-bit control and 16-bit
    manufacturer code. control defaults to all ones ("all tests").
    """
    if subclass not in (0, 1):
        raise ParameterError(f"unknown test subclass {subclass!r} (expected 0 or 1)")
    control_bits, maker_bits = (36, 8) if subclass == 0 else (28, 16)
    if control is None:
        control = (1 << control_bits) - 1
    if not isinstance(control, int) or not 0 <= control < 1 << control_bits:
        raise ParameterError(f"the control must fit in {control_bits} bits (0 to {(1 << control_bits) - 1})")
    if not isinstance(manufacturer, int) or not 0 <= manufacturer < 1 << maker_bits:
        raise ParameterError(f"the manufacturer code must be between 0 and {(1 << maker_bits) - 1}")
    head = subclass << 44 | control << maker_bits | manufacturer
    return _frame(1, head, None)


# -- decoding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MalformedCode:
    """Not a code at all: not 20 digits, or above 2^66 - 1."""

    code: str
    reason: str


@dataclass(frozen=True)
class CrcMismatch:
    """20 digits, but the CRC does not match: mistyped, or a code for another meter (key)."""

    code: str
    token_class: int

    @property
    def crc_ok(self) -> bool:
        return False


@dataclass(frozen=True)
class ValidCode:
    """A code whose CRC matched, with its fields. Fields that a class does not carry are None.

    value is the decoded field: tenths for class 0 (see .amount), the e/m-decoded value for the
    management codes that carry one, the raw field for clear credit and clear tamper.
    """

    code: str
    token_class: int
    subclass: int
    kind: str
    rnd: int | None = None
    tid: int | None = None
    field: int | None = None
    value: int | None = None
    # Key change parts: KENHO or KENLO, KRN, RO, KT, TI and half of the new key (hidden from repr).
    ken_half: int | None = None
    krn: int | None = None
    rollover: bool | None = None
    kt: int | None = None
    ti: str | None = None
    key_half: int | None = dataclasses.field(default=None, repr=False)
    # Class 1 test codes.
    control: int | None = None
    manufacturer: int | None = None

    @property
    def amount(self) -> Decimal | None:
        """The credit in kWh or m3 (class 0 only)."""
        return None if self.token_class != 0 else Decimal(self.value) * _TENTH

    @property
    def crc_ok(self) -> bool:
        return True


DecodeResult = MalformedCode | CrcMismatch | ValidCode

_CLASS0_KINDS = {0: "electricity", 1: "water", 2: "gas", 3: "time"}
_CLASS2_KINDS = {
    0: "max_power_limit",
    1: "clear_credit",
    2: "set_tariff_rate",
    3: "key_change_1",
    4: "key_change_2",
    5: "clear_tamper",
    6: "max_phase_unbalance_limit",
    7: "set_water_meter_factor",
}


def decode(key: DecoderKey | None, code: str) -> DecodeResult:
    """Decode a code: MalformedCode, CrcMismatch, or ValidCode with every field.

    Class 1 (test) codes need no key; class 0 and 2 codes raise KeyRequiredError without one.
    Spaces and hyphens between the digits are ignored.
    """
    digits = _normalise(code)
    if digits is None:
        return MalformedCode(str(code), "a code must be 20 digits")
    number = int(digits)
    if number > MAX_CODE:
        return MalformedCode(digits, "the number is too large for a code (above 2^66 - 1)")
    token_class = number >> 27 & 3
    e = (number & MASK64 & ~_CLASS_BITS) | (number >> 64) << 27
    if token_class == 1:
        block = e
    elif token_class == 3:
        # Class 3 is reserved: nothing valid can carry it.
        return CrcMismatch(digits, token_class)
    else:
        if key is None:
            raise KeyRequiredError("a decoder key is needed to decode class 0 and 2 codes")
        block = STA.decrypt_with(_check_key(key)._decryption_schedule(), e)
    head = block >> 16
    if crc_field(token_class, head) != block & 0xFFFF:
        return CrcMismatch(digits, token_class)
    return _fields(digits, token_class, head)


def _fields(digits: str, token_class: int, head: int) -> ValidCode:
    subclass = head >> 44
    if token_class == 1:
        control_bits, maker_bits = (36, 8) if subclass == 0 else (28, 16)
        return ValidCode(
            digits,
            1,
            subclass,
            "test" if subclass in (0, 1) else "unknown",
            control=head >> maker_bits & ((1 << control_bits) - 1),
            manufacturer=head & ((1 << maker_bits) - 1),
        )
    if token_class == 2 and subclass == Management.KEY_CHANGE_1:
        return ValidCode(
            digits,
            2,
            subclass,
            _CLASS2_KINDS[subclass],
            ken_half=head >> 40 & 15,
            krn=head >> 36 & 15,
            rollover=bool(head >> 35 & 1),
            kt=head >> 32 & 3,
            key_half=head & 0xFFFFFFFF,
        )
    if token_class == 2 and subclass == Management.KEY_CHANGE_2:
        return ValidCode(
            digits,
            2,
            subclass,
            _CLASS2_KINDS[subclass],
            ken_half=head >> 40 & 15,
            ti=f"{head >> 32 & 255:02d}",
            key_half=head & 0xFFFFFFFF,
        )
    field_value = head & 0xFFFF
    if token_class == 0:
        kind = _CLASS0_KINDS.get(subclass, "unknown")
        value = decode_amount(field_value)
    else:
        kind = _CLASS2_KINDS.get(subclass, "unknown")
        value = decode_amount(field_value) if subclass in _ENCODED_VALUE else field_value
    return ValidCode(
        digits,
        token_class,
        subclass,
        kind,
        rnd=head >> 40 & 15,
        tid=head >> 16 & MAX_TID,
        field=field_value,
        value=value,
    )
