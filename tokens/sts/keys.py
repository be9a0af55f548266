"""Decoder keys: the key type, Luhn check digits, the PAN, and key derivation (DKGA02 and DKGA04).

PAN = IIN + DRN + Luhn digit (18 digits). PANBlock = PAN digits 2..17 as BCD; ControlBlock = KT SGC TI
KRN FFFFFF as hex. DKGA02: X = PANBlock xor ControlBlock, DK = DES(VK, X) xor X xor VK. DKGA04: DK is
the first 8 bytes of HMAC-SHA-256(VK, M), M a fixed sequence of tagged ASCII fields (see below).
"""

from __future__ import annotations

import hmac
from functools import lru_cache
from hashlib import sha256

from Crypto.Cipher import DES

from .errors import KeyFormatError, LuhnError, ParameterError
from .sta import STA

BASE_DATES = (1993, 2014, 2035)


class DecoderKey:
    """An immutable 64-bit decoder key, read big-endian (first byte most significant).

    Its repr and str never show the key; use .hex() or .to_bytes() where the key itself is meant.
    """

    __slots__ = ("_bytes", "_int", "_enc", "_dec")

    def __init__(self, key: bytes):
        if not isinstance(key, bytes | bytearray) or len(key) != 8:
            raise KeyFormatError("a decoder key must be 8 bytes")
        object.__setattr__(self, "_bytes", bytes(key))
        object.__setattr__(self, "_int", int.from_bytes(key, "big"))
        object.__setattr__(self, "_enc", None)
        object.__setattr__(self, "_dec", None)

    @classmethod
    def from_hex(cls, text: str) -> DecoderKey:
        return cls(_parse_hex(text, 8, "a decoder key"))

    def to_bytes(self) -> bytes:
        return self._bytes

    def hex(self) -> str:
        return self._bytes.hex()

    def __int__(self) -> int:
        return self._int

    def __setattr__(self, name, value):
        raise AttributeError("DecoderKey is immutable")

    def __eq__(self, other):
        if not isinstance(other, DecoderKey):
            return NotImplemented
        return hmac.compare_digest(self._bytes, other._bytes)

    def __hash__(self):
        return hash(self._bytes)

    def __repr__(self):
        return "<DecoderKey (hidden)>"

    __str__ = __repr__

    # Immutable: copies are the object itself. Not picklable, so a key never lands in a session,
    # a cache or a task queue by accident; store .hex() deliberately (sealed) where one is needed.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        raise TypeError("a DecoderKey is not picklable")

    # The STA round tables for this key, computed once per key object.
    def _encryption_schedule(self):
        if self._enc is None:
            object.__setattr__(self, "_enc", STA.encryption_schedule(self._int))
        return self._enc

    def _decryption_schedule(self):
        if self._dec is None:
            object.__setattr__(self, "_dec", STA.decryption_schedule(self._int))
        return self._dec


_HEX = frozenset("0123456789abcdefABCDEF")


def _parse_hex(text: str, size: int, what: str) -> bytes:
    """Hex text to bytes; the message never repeats the text, which may be a key."""
    if not isinstance(text, str) or len(text) != 2 * size:
        raise KeyFormatError(f"{what} must be {2 * size} hex digits")
    # Only ASCII hex digits: bytes.fromhex would also skip spaces and hand back a shorter key.
    if not all(c in _HEX for c in text):
        raise KeyFormatError(f"{what} must be {2 * size} hex digits (0-9, a-f)")
    return bytes.fromhex(text)


def parse_vending_key(text: str) -> bytes:
    """A vending key in hex: 16 digits (DKGA02, DES) or 40 digits (DKGA04). The one parser of
    vending keys: the platform's forms and commands wrap it (licensing.models.parse_vending_key)."""
    if isinstance(text, str) and len(text) == 40:
        return _parse_hex(text, 20, "a vending key")
    return _parse_hex(text, 8, "a vending key")


# Luhn doubles every second digit from the right, summing the digits of the product: 0 2 4 6 8 1 3 5 7 9.
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to a string of decimal digits."""
    if not isinstance(digits, str) or not digits.isascii() or not digits.isdigit():
        raise LuhnError("the Luhn check digit is computed over decimal digits only")
    backwards = digits[::-1]
    # Summing the ASCII codes runs in C; each digit's code is 48 more than its value.
    total = sum(backwards[0::2].translate(_DOUBLED).encode()) + sum(backwards[1::2].encode()) - 48 * len(digits)
    return str(-total % 10)


def pan_from_drn(drn: str, iin: str = "600727") -> str:
    """The 18-digit PAN of a meter: IIN + DRN + a Luhn digit. Checks the DRN's own Luhn digit.

    With the 6-digit IIN the DRN has 11 digits; with the 4-digit IIN "0000" it has 13.
    """
    if not isinstance(iin, str) or not iin.isascii() or not iin.isdigit() or len(iin) not in (4, 6):
        raise LuhnError("the IIN must be 6 digits (or 0000)")
    if len(iin) == 4 and iin != "0000":
        raise LuhnError("the only 4-digit IIN is 0000")
    size = 11 if len(iin) == 6 else 13
    if not isinstance(drn, str) or not drn.isascii() or not drn.isdigit() or len(drn) != size:
        raise LuhnError(f"the meter number (DRN) must be {size} digits")
    if luhn_digit(drn[:-1]) != drn[-1]:
        raise LuhnError(
            f"the meter number {drn} has a wrong check digit (the last digit should be {luhn_digit(drn[:-1])})"
        )
    return iin + drn + luhn_digit(iin + drn)


def check_pan(pan: str) -> str:
    if not isinstance(pan, str) or not pan.isascii() or not pan.isdigit() or len(pan) != 18:
        raise LuhnError("the PAN must be 18 digits")
    if luhn_digit(pan[:-1]) != pan[-1]:
        raise LuhnError(f"the PAN {pan} has a wrong check digit")
    return pan


def pan_block(pan: str) -> bytes:
    """The PANBlock: the last 5 IIN digits and the 11-digit DRN (or the last 3 of IIN 0000 and the
    13-digit DRN), which for an 18-digit PAN is always its digits 2 to 17, read as BCD."""
    return bytes.fromhex(check_pan(pan)[1:17])


def _check_params(sgc: str, ti: str, krn: int, kt: int) -> None:
    if not isinstance(sgc, str) or not sgc.isascii() or not sgc.isdigit() or len(sgc) != 6:
        raise ParameterError("the SGC must be 6 digits")
    if not isinstance(ti, str) or not ti.isascii() or not ti.isdigit() or len(ti) != 2:
        raise ParameterError("the TI must be 2 digits")
    if not isinstance(krn, int) or not 1 <= krn <= 9:
        raise ParameterError("the KRN must be between 1 and 9")
    if not isinstance(kt, int) or not 0 <= kt <= 3:
        raise ParameterError("the KT must be between 0 and 3")


def control_block(*, sgc: str, ti: str, krn: int, kt: int) -> bytes:
    """The ControlBlock: KT(1) SGC(6) TI(2) KRN(1) FFFFFF, as 16 hex digits."""
    _check_params(sgc, ti, krn, kt)
    return bytes.fromhex(f"{kt}{sgc}{ti}{krn}ffffff")


@lru_cache(maxsize=8)
def _des(vending_key: bytes):
    # A vending system derives many meters' keys under one vending key: reuse its DES schedule.
    return DES.new(vending_key, DES.MODE_ECB)  # noqa: S304 -- DKGA02 is single DES by definition


def derive_decoder_key(
    vending_key: bytes,
    *,
    pan: str,
    sgc: str,
    ti: str,
    krn: int,
    kt: int,
    dkga: str = "02",
    base_date: int = 1993,
) -> DecoderKey:
    """The meter's decoder key from the vending key (DKGA02: 8-byte DES key; DKGA04: 20 bytes)."""
    if dkga == "02":
        if not isinstance(vending_key, bytes) or len(vending_key) != 8:
            raise KeyFormatError("a DKGA02 vending key must be 8 bytes")
        x = int.from_bytes(pan_block(pan), "big") ^ int.from_bytes(control_block(sgc=sgc, ti=ti, krn=krn, kt=kt), "big")
        xb = x.to_bytes(8, "big")
        out = int.from_bytes(_des(vending_key).encrypt(xb), "big") ^ x ^ int.from_bytes(vending_key, "big")
        return DecoderKey(out.to_bytes(8, "big"))
    if dkga == "04":
        if not isinstance(vending_key, bytes) or len(vending_key) != 20:
            raise KeyFormatError("a DKGA04 vending key must be 20 bytes")
        _check_params(sgc, ti, krn, kt)
        check_pan(pan)
        if base_date not in BASE_DATES:
            raise ParameterError("the base date must be 1993, 2014 or 2035")
        message = b"".join(
            (
                b"\x04\x02" + b"04",
                b"\x02" + str(base_date)[2:].encode(),
                b"\x02" + b"07",
                b"\x02" + ti.encode(),
                b"\x00\x04",
                b"\x06" + sgc.encode(),
                b"\x01" + f"{kt:X}".encode(),
                b"\x01" + f"{krn:X}".encode(),
                b"\x12" + pan.encode(),
                b"\x00\x00\x00\x40",
            )
        )
        return DecoderKey(hmac.new(vending_key, message, sha256).digest()[:8])
    raise ParameterError("the key derivation algorithm must be 02 or 04")


ADMIN_PASSWORD_LABEL = b"AOM-ADMIN-PASSWORD"
ADMIN_PASSWORD_DIGITS = 8


def admin_password(key: DecoderKey | bytes) -> str:
    """The meter's administration password: 8 digits derived from its decoder key.

    HMAC-SHA-256 keyed with the decoder key over "AOM-ADMIN-PASSWORD"; the first 8 bytes as a
    big-endian number, modulo 10^8, with leading zeros. The firmware computes the same
    (firmware/meter/password.py), so the platform never needs to store it.
    """
    raw = key.to_bytes() if isinstance(key, DecoderKey) else bytes(key)
    if len(raw) != 8:
        raise KeyFormatError("a decoder key must be 8 bytes")
    digest = hmac.new(raw, ADMIN_PASSWORD_LABEL, sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**ADMIN_PASSWORD_DIGITS).zfill(ADMIN_PASSWORD_DIGITS)
