"""The administration password of a meter, derived from its decoder key.

Usage::

    from meter import password
    password.derive("e653341f9d5bf36f")   # 8 digits, the same as tokens.sts.admin_password
    password.expected(state)              # what `#` asks for now

HMAC-SHA-256 keyed with the decoder key over "AOM-ADMIN-PASSWORD", the first 8 bytes as a
big-endian number modulo 10^8, 8 digits with leading zeros. The platform shows it to the
entity's administrator, computed from the key when the page is shown. Before provisioning (no
key) the factory password `1234` opens the menu; a password set at CLAVE replaces the derived one.
"""

import hashlib

FACTORY = "1234"
LABEL = b"AOM-ADMIN-PASSWORD"
DIGITS = 8


def _hmac_sha256(key, msg):
    key = key + b"\0" * (64 - len(key))
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + msg).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).digest()


def derive(key_hex):
    d = _hmac_sha256(bytes.fromhex(key_hex), LABEL)
    n = 0
    for b in d[:8]:
        n = n << 8 | b
    s = str(n % 10**DIGITS)
    return "0" * (DIGITS - len(s)) + s


def expected(state):
    if state.password:
        return state.password
    if state.key:
        return derive(state.key)
    return FACTORY
