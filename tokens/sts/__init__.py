"""STS-format 20-digit codes: a pure-Python engine (no Django), compatible with the STS token format.

Keys::

    key = derive_decoder_key(vending_key, pan=pan_from_drn("47500150231"), sgc="000046", ti="01", krn=1, kt=2)
    key = DecoderKey.from_hex("e653341f9d5bf36f")   # repr/str never show it; .hex(), .to_bytes()

Issuing (TIDs are minutes since the base date; the vending side keeps the last one per meter)::

    tid = next_tid(now, 2014, meter_last_tid)   # max(minutes since 2014, last + 1)
    issue_credit(key, Decimal("12.5"), tid=tid)                      # kWh; service="water"/"gas": m3
    issue_management(key, Management.MAX_POWER_LIMIT, 1000, tid=tid)  # watts
    issue_key_change(key, new_key, krn=2, kt=2, ti="01")              # (part 1, part 2)
    issue_test_token(0)                                               # class 1, not encrypted
    admin_password(key)                                               # the meter's 8-digit admin password

Decoding tells three outcomes apart::

    match decode(key, code):
        case MalformedCode(reason=reason): ...      # not 20 digits, or above 2^66 - 1
        case CrcMismatch(): ...                     # mistyped, or another meter's code
        case ValidCode() as valid: valid.amount, valid.tid, valid.value ...

Amounts are in tenths in the 16-bit field (encode_amount rounds up, amount_floor gives the largest
encodable value not above a given one). Every error is an StsError (a ValueError) whose message is
clear and never contains key material. The command line is ``python -m tokens.sts --help``.
"""

from .codes import (
    MAX_AMOUNT,
    MAX_TID,
    CrcMismatch,
    DecodeResult,
    MalformedCode,
    Management,
    Service,
    ValidCode,
    amount_floor,
    crc16,
    datetime_from_tid,
    decode,
    decode_amount,
    encode_amount,
    format_code,
    issue_credit,
    issue_key_change,
    issue_management,
    issue_test_token,
    next_tid,
    tid_from_datetime,
)
from .errors import (
    AmountError,
    CodeFormatError,
    KeyFormatError,
    KeyRequiredError,
    LuhnError,
    ParameterError,
    StsError,
    TidError,
)
from .keys import BASE_DATES, DecoderKey, admin_password, derive_decoder_key, luhn_digit, pan_from_drn

__all__ = [
    "BASE_DATES",
    "MAX_AMOUNT",
    "MAX_TID",
    "AmountError",
    "CodeFormatError",
    "CrcMismatch",
    "DecodeResult",
    "DecoderKey",
    "KeyFormatError",
    "KeyRequiredError",
    "LuhnError",
    "MalformedCode",
    "Management",
    "ParameterError",
    "Service",
    "StsError",
    "TidError",
    "ValidCode",
    "admin_password",
    "amount_floor",
    "crc16",
    "datetime_from_tid",
    "decode",
    "decode_amount",
    "derive_decoder_key",
    "encode_amount",
    "format_code",
    "issue_credit",
    "issue_key_change",
    "issue_management",
    "issue_test_token",
    "luhn_digit",
    "next_tid",
    "pan_from_drn",
    "tid_from_datetime",
]
