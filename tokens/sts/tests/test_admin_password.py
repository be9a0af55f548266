"""The meter's administration password, derived from its decoder key (the firmware derives the same)."""

import hashlib
import hmac
import subprocess
import sys
from pathlib import Path

import pytest

from tokens.sts import DecoderKey, KeyFormatError, admin_password

ROOT = Path(__file__).resolve().parents[3]
DK = "e653341f9d5bf36f"


def test_the_password_of_the_worked_vector_key():
    assert admin_password(DecoderKey.from_hex(DK)) == "31999858"


def test_the_password_is_the_keyed_hash_of_the_label_as_eight_digits():
    key = bytes.fromhex("0123456789abcdef")
    digest = hmac.new(key, b"AOM-ADMIN-PASSWORD", hashlib.sha256).digest()
    expected = f"{int.from_bytes(digest[:8], 'big') % 10**8:08d}"
    assert admin_password(key) == admin_password(DecoderKey(key)) == expected


def test_each_key_has_its_own_password():
    passwords = {admin_password(DecoderKey(i.to_bytes(8, "big"))) for i in range(1, 200)}
    assert len(passwords) == 199
    assert all(len(p) == 8 and p.isdigit() for p in passwords)


def test_a_key_of_the_wrong_size_is_refused():
    with pytest.raises(KeyFormatError):
        admin_password(b"short")


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "tokens.sts", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_command_line_derives_it_from_the_decoder_key():
    result = run("admin-password", "--key", DK)
    assert (result.returncode, result.stdout, result.stderr) == (0, "31999858\n", "")


def test_the_command_line_refuses_a_bad_key_in_one_line():
    result = run("admin-password", "--key", "xyz")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == ["python -m tokens.sts: error: --key must be 16 hex digits"]


def test_the_engine_stays_free_of_django():
    code = "import sys, tokens.sts; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0
