"""Encryption at rest for secrets kept in the database (the entities' vending keys).

AES-256-GCM from `cryptography`, under the key in settings.AOM_FIELD_KEY. A stored value is
"v1:" + base64(nonce || ciphertext || tag). The entity's primary key is bound as associated
data, so a ciphertext copied onto another entity's row does not decrypt.
"""

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1:"


class SecretError(Exception):
    """A stored secret cannot be decrypted (wrong AOM_FIELD_KEY or tampered data)."""


def _aead() -> AESGCM:
    try:
        key = bytes.fromhex(settings.AOM_FIELD_KEY)
    except ValueError:
        raise SecretError("AOM_FIELD_KEY is not hexadecimal.") from None
    if len(key) != 32:
        raise SecretError("AOM_FIELD_KEY must be 64 hex digits (32 bytes).")
    return AESGCM(key)


def seal(plaintext: bytes, context: str) -> str:
    nonce = os.urandom(12)
    sealed = _aead().encrypt(nonce, plaintext, context.encode())
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def unseal(stored: str, context: str) -> bytes:
    if not stored.startswith(PREFIX):
        raise SecretError("Unknown secret format.")
    try:
        raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise SecretError("Corrupt secret.") from None
    try:
        return _aead().decrypt(raw[:12], raw[12:], context.encode())
    except InvalidTag:
        raise SecretError("The secret does not decrypt with this AOM_FIELD_KEY.") from None
