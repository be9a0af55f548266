"""One parser of vending keys, the engine's, wrapped once for the forms and the commands."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

import licensing.models
from licensing.models import parse_vending_key


@pytest.mark.parametrize(
    "typed, derivation",
    [
        ("0123456789ABCDEF", "02"),
        (" 0123 4567 89ab cdef ", "02"),
        ("01234567 89abcdef 01234567 89abcdef 01234567", "04"),
    ],
)
def test_the_form_wrapper_reads_hex_in_groups(typed, derivation):
    assert parse_vending_key(typed, derivation) == bytes.fromhex("".join(typed.split()))


@pytest.mark.parametrize(
    "typed, derivation",
    [
        ("0123456789abcdef" + "0" * 24, "02"),  # a DKGA04 key given for DKGA02
        ("0123456789abcdef", "04"),
        ("0123456789abcde٦", "02"),  # an Arabic-Indic digit
        ("０123456789abcdef", "02"),  # a full-width digit
        ("0x23456789abcdef", "02"),
        ("", "02"),
    ],
)
def test_the_form_wrapper_refuses_without_repeating_the_key(typed, derivation):
    with pytest.raises(ValidationError) as caught:
        parse_vending_key(typed, derivation)
    message = " ".join(caught.value.messages)
    assert "dígitos hexadecimales" in message
    if typed:
        assert typed not in message


def test_the_wrapper_hands_the_text_to_the_engines_parser(monkeypatch):
    seen = []

    def engine(text):
        seen.append(text)
        return bytes(8)

    monkeypatch.setattr(licensing.models, "sts_parse_vending_key", engine)
    assert parse_vending_key("ffff ffff ffff ffff", "02") == bytes(8)
    assert seen == ["ffffffffffffffff"]


def test_no_other_platform_module_parses_hex_keys_itself():
    root = Path(settings.BASE_DIR)
    for path in ["licensing/forms.py", "licensing/admin.py", "licensing/management/commands/create_entity.py"]:
        assert "fromhex" not in (root / path).read_text(), path
