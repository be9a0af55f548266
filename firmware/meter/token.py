"""The 20-digit STS-format code: digits, class bits, CRC, amount, fields.

Usage::

    from meter.sta import Sta
    from meter import token
    t = token.decode("23716100501183194197", Sta(key))
    if t is None: ...           # not 20 digits, too large, or wrong CRC
    t.cls, t.sub, t.rnd, t.tid, t.value

    code = token.encode(0, 0, 5, 0x599863, token.amount_field(1), Sta(key))

Decoding works on 16-bit words so that MicroPython never needs a big int.
"""

from array import array

CLASS_CREDIT = 0
CLASS_TEST = 1
CLASS_MANAGEMENT = 2

SUB_ELECTRICITY = 0
SUB_MAX_POWER = 0
SUB_CLEAR_CREDIT = 1
SUB_TARIFF = 2
SUB_KCT1 = 3
SUB_KCT2 = 4
SUB_CLEAR_TAMPER = 5
SUB_UNBALANCE = 6
SUB_WATER_FACTOR = 7

_OFFSETS = (0, 16384, 180224, 1818624)
MAX_AMOUNT = 18201624


def _crc_table():
    t = array("H", [0] * 256)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
        t[i] = c
    return t


_CRC = _crc_table()


def crc16(data):
    """CRC-16/MODBUS (reflected 0xA001, init 0xFFFF, no final XOR)."""
    c = 0xFFFF
    t = _CRC
    for b in data:
        c = (c >> 8) ^ t[(c ^ b) & 0xFF]
    return c


def crc_field(cls, w3, w2, w1):
    """The block's CRC field for class cls and block words w3..w1 (byte-swapped CRC)."""
    c = crc16(bytes((cls, w3 >> 8, w3 & 0xFF, w2 >> 8, w2 & 0xFF, w1 >> 8, w1 & 0xFF)))
    return (c & 0xFF) << 8 | c >> 8


def amount_value(field):
    """16-bit e/m field -> value in tenths."""
    e = field >> 14
    return (field & 0x3FFF) * (1, 10, 100, 1000)[e] + _OFFSETS[e]


def amount_field(value):
    """Value in tenths -> 16-bit e/m field, smallest exponent, mantissa rounded up."""
    if value < 0 or value > MAX_AMOUNT:
        raise ValueError("amount out of range")
    for e in range(4):
        p = (1, 10, 100, 1000)[e]
        rest = value - _OFFSETS[e]
        m = 0 if rest <= 0 else (rest + p - 1) // p
        if m <= 0x3FFF:
            return e << 14 | m
    raise ValueError("amount out of range")


def parse_digits(code):
    """20 decimal digits -> five 16-bit words (least significant first), or None."""
    if len(code) != 20:
        return None
    w = [0, 0, 0, 0, 0]
    for ch in code:
        d = ord(ch) - 48
        if d < 0 or d > 9:
            return None
        carry = d
        for i in range(5):
            x = w[i] * 10 + carry
            w[i] = x & 0xFFFF
            carry = x >> 16
    if w[4] > 3:  # more than 66 bits
        return None
    return w


class Token:
    __slots__ = ("cls", "sub", "rnd", "tid", "field", "crc_ok", "words")

    def __init__(self, cls, words, crc_ok):
        w0, w1, w2, w3 = words
        self.cls = cls
        self.words = words
        self.crc_ok = crc_ok
        self.sub = w3 >> 12
        self.rnd = w3 >> 8 & 15
        self.tid = (w3 & 0xFF) << 16 | w2
        self.field = w1

    @property
    def value(self):
        """Amount in tenths for the e/m-encoded fields."""
        return amount_value(self.field)

    @property
    def has_tid(self):
        return self.cls == CLASS_CREDIT or (self.cls == CLASS_MANAGEMENT and self.sub not in (SUB_KCT1, SUB_KCT2))

    # Key change layouts (class 2, subclasses 3 and 4).
    @property
    def kct_high(self):
        return self.words[2] << 16 | self.words[1]

    @property
    def kct_ken_nibble(self):
        return self.words[3] >> 8 & 15

    @property
    def kct_krn(self):
        return self.words[3] >> 4 & 15

    @property
    def kct_ro(self):
        return self.words[3] >> 3 & 1

    @property
    def kct_kt(self):
        return self.words[3] & 3

    @property
    def kct_ti(self):
        return self.words[3] & 0xFF


def decode(code, sta):
    """Decode a 20-digit string with an Sta; None if malformed or the CRC fails."""
    w = parse_digits(code)
    if w is None:
        return None
    w1 = w[1]
    cls = w1 >> 11 & 3
    w1 = (w1 & ~0x1800) | (w[4] & 3) << 11
    block = (w[0], w1, w[2], w[3])
    if cls != CLASS_TEST:
        block = sta.decrypt_words(block)
    ok = crc_field(cls, block[3], block[2], block[1]) == block[0]
    if not ok:
        return None
    return Token(cls, block, ok)


def encode_words(cls, w3, w2, w1, sta):
    """Build the 20 digits from class and block words 3..1 (the CRC is added)."""
    block = (crc_field(cls, w3, w2, w1), w1, w2, w3)
    if cls != CLASS_TEST:
        block = sta.encrypt_words(block)
    e = block[0] | block[1] << 16 | block[2] << 32 | block[3] << 48
    hi = e >> 27 & 3
    e = (e & ~(3 << 27)) | cls << 27 | hi << 64
    s = str(e)
    return "0" * (20 - len(s)) + s


def encode(cls, sub, rnd, tid, field, sta):
    """A TID-bearing code: subclass, RND, 24-bit TID, 16-bit field."""
    return encode_words(cls, sub << 12 | rnd << 8 | tid >> 16, tid & 0xFFFF, field, sta)


def encode_kct(sta, new_key, krn, kt, ti, ken=255, ro=0):
    """The two key change codes (part 1, part 2), encrypted with the current key's sta."""
    k = int.from_bytes(new_key, "big")
    hi, lo = k >> 32, k & 0xFFFFFFFF
    p1 = encode_words(
        CLASS_MANAGEMENT, SUB_KCT1 << 12 | (ken >> 4) << 8 | krn << 4 | ro << 3 | kt, hi >> 16, hi & 0xFFFF, sta
    )
    p2 = encode_words(CLASS_MANAGEMENT, SUB_KCT2 << 12 | (ken & 15) << 8 | ti, lo >> 16, lo & 0xFFFF, sta)
    return p1, p2
