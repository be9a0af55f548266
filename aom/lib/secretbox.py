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
from django.views.decorators.debug import sensitive_variables

PREFIX = "v1:"


class Secret(bytes):
    """Bytes that never print: an opened secret (a vending key) shows as <secret> in a repr, a
    log line, an exception message or an error page's frame variables. Use it as bytes."""

    __slots__ = ()

    def __repr__(self):
        return "<secret>"

    __str__ = __repr__

    def __format__(self, spec):
        return "<secret>"

    def hex(self, *args):
        raise TypeError("a Secret is not shown as hex")

    def __reduce__(self):
        raise TypeError("a Secret is not picklable")


class SecretError(Exception):
    """A stored secret cannot be decrypted (wrong AOM_FIELD_KEY or tampered data)."""


@sensitive_variables()
def _aead(field_key: str | None = None) -> AESGCM:
    """The cipher under `field_key` (64 hex digits), by default settings.AOM_FIELD_KEY."""
    try:
        key = bytes.fromhex(settings.AOM_FIELD_KEY if field_key is None else field_key)
    except ValueError:
        raise SecretError("AOM_FIELD_KEY is not hexadecimal.") from None
    if len(key) != 32:
        raise SecretError("AOM_FIELD_KEY must be 64 hex digits (32 bytes).")
    return AESGCM(key)


@sensitive_variables()
def reseal(stored: str, context: str, *, old_key: str, new_key: str) -> str:
    """`stored` opened under `old_key` and sealed again under `new_key` (SecretError if it does
    not open). For `manage.py rotate_field_key`."""
    return seal(unseal(stored, context, field_key=old_key), context, field_key=new_key)


@sensitive_variables()
def seal(plaintext: bytes, context: str, *, field_key: str | None = None) -> str:
    nonce = os.urandom(12)
    sealed = _aead(field_key).encrypt(nonce, plaintext, context.encode())
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


@sensitive_variables()
def unseal(stored: str, context: str, *, field_key: str | None = None) -> Secret:
    if not stored.startswith(PREFIX):
        raise SecretError("Unknown secret format.")
    try:
        raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise SecretError("Corrupt secret.") from None
    try:
        return Secret(_aead(field_key).decrypt(raw[:12], raw[12:], context.encode()))
    except InvalidTag:
        raise SecretError("The secret does not decrypt with this AOM_FIELD_KEY.") from None
