"""The command line, run as engineers run it: python -m tokens.sts ... in a subprocess."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DK = "e653341f9d5bf36f"


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "tokens.sts", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def ok(*args):
    result = run(*args)
    assert (result.returncode, result.stderr) == (0, "")
    return result.stdout


def test_help_lists_every_command():
    out = ok("--help")
    for command in ("derive-key", "credit", "management", "key-change", "test-token", "decode"):
        assert command in out


def test_derive_key_prints_the_decoder_key():
    args = ("--pan", "600727000000000009", "--sgc", "123456", "--ti", "01", "--krn", "1", "--kt", "2")
    assert ok("derive-key", "--vending-key", "abababababababab", *args) == "e653341f9d5bf36f\n"


def test_derive_key_with_dkga04():
    out = ok(
        "derive-key", "--vending-key", "abababababababab949494949494949401234567", "--pan", "600727000000000009",
        "--sgc", "123457", "--ti", "01", "--krn", "1", "--kt", "2", "--dkga", "04", "--base-date", "1993",
    )  # fmt: skip
    assert out == "aa4baa8749c10d27\n"


def test_credit_with_when_prints_the_code():
    assert ok("credit", "--key", DK, "--amount", "0.1", "--when", "2004-03-01 13:55", "--rnd", "5") == (
        "23716100501183194197\n"
    )


def test_credit_with_tid_prints_the_code():
    assert (
        ok("credit", "--key", DK, "--amount", "0.1", "--tid", str(0x599863), "--rnd", "5") == "23716100501183194197\n"
    )


def test_management_prints_the_code():
    # CTSA03 step 1: maximum power limit 1000 W on 2004-03-28 09:01.
    out = ok(
        "management", "--key", DK, "--subclass", "0", "--value", "1000", "--when", "2004-03-28 09:01", "--rnd", "5"
    )
    assert out == "50901894209860263092\n"


def test_key_change_prints_part_1_then_part_2():
    # CTSA05 step 1: the new key is the one the same vending key gives for TI 02.
    out = ok("key-change", "--key", DK, "--new-key", "060b8643c59a27f1", "--krn", "1", "--kt", "2", "--ti", "02")
    assert out == "51638423060042734509\n15361891762113502242\n"
    first = json.loads(ok("decode", "--key", DK, "51638423060042734509"))
    second = json.loads(ok("decode", "--key", DK, "15361891762113502242"))
    assert (first["subclass"], first["krn"], first["kt"], second["subclass"], second["ti"]) == (3, 1, 2, 4, "02")
    assert first["key_half"] + second["key_half"] == "060b8643c59a27f1"


def test_test_token_prints_the_code():
    assert ok("test-token", "--subclass", "0") == "56493153725450313471\n"


def test_decode_prints_one_json_object():
    out = ok("decode", "--key", DK, "--base-date", "1993", "23716100501183194197")
    assert json.loads(out) == {
        "crc_ok": True,
        "class": 0,
        "subclass": 0,
        "kind": "electricity",
        "rnd": 5,
        "tid": 0x599863,
        "field": 1,
        "value": 1,
        "amount": "0.1",
        "unit": "kWh",
        "issued_at": "2004-03-01T13:55:00+00:00",
    }


def test_decode_reports_a_crc_mismatch():
    assert json.loads(ok("decode", "--key", DK, "23716100501183194198")) == {"crc_ok": False, "class": 0}


@pytest.mark.parametrize(
    ("case", "args", "message"),
    [
        ("bad hex", ("credit", "--key", "zz53341f9d5bf36f", "--amount", "1", "--tid", "1"), "--key must be 16 hex digits"),
        ("wrong length", ("credit", "--key", "e653341f9d5bf3", "--amount", "1", "--tid", "1"), "--key must be 16 hex digits"),
        (
            "bad Luhn digit",
            ("derive-key", "--vending-key", "abababababababab", "--pan", "600727000000000008", "--sgc", "123456",
             "--ti", "01", "--krn", "1", "--kt", "2"),
            "wrong check digit",
        ),
        (
            "vending key of the wrong length for DKGA04",
            ("derive-key", "--vending-key", "abababababababab", "--pan", "600727000000000009", "--sgc", "123456",
             "--ti", "01", "--krn", "1", "--kt", "2", "--dkga", "04"),
            "--vending-key must be 40 hex digits for DKGA04",
        ),
        ("value out of range", ("credit", "--key", DK, "--amount", "1", "--tid", "1", "--rnd", "16"), "RND must be"),
        ("amount out of range", ("credit", "--key", DK, "--amount", "2000000", "--tid", "1"), "between 0 and"),
        ("not a number", ("credit", "--key", DK, "--amount", "diez", "--tid", "1"), "--amount must be a number"),
        ("unknown subclass", ("management", "--key", DK, "--subclass", "9", "--value", "1", "--tid", "1"), "unknown management subclass 9"),
        ("unknown test subclass", ("test-token", "--subclass", "2"), "unknown test subclass 2"),
        ("malformed code", ("decode", "--key", DK, "2371610050118319419"), "malformed code"),
        ("code above 2^66", ("decode", "--key", DK, "99999999999999999999"), "malformed code"),
        ("impossible date", ("credit", "--key", DK, "--amount", "1", "--when", "2024-02-30 10:00"), "real UTC date"),
        ("before the base date", ("credit", "--key", DK, "--amount", "1", "--when", "1992-12-31 10:00"), "before the base date"),
        ("missing option", ("credit", "--key", DK, "--tid", "1"), "--amount"),
        ("not an integer", ("management", "--key", DK, "--subclass", "x", "--value", "1", "--tid", "1"), "invalid int value"),
    ],
)  # fmt: skip
def test_bad_input_prints_one_line_on_stderr_and_exits_2(case, args, message):
    result = run(*args)
    assert result.returncode == 2, case
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_key_is_not_echoed_on_stderr():
    result = run("credit", "--key", "e653341f9d5bf36fff", "--amount", "1", "--tid", "1")
    assert result.returncode == 2
    assert "e653341f9d5bf36f" not in result.stderr
