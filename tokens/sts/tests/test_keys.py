import copy
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokens.sts import (
    DecoderKey,
    KeyFormatError,
    LuhnError,
    ParameterError,
    derive_decoder_key,
    luhn_digit,
    pan_from_drn,
)

SECRET = "e653341f9d5bf36f"


def test_decoder_key_round_trips_through_hex_and_bytes():
    key = DecoderKey.from_hex(SECRET)
    assert key.hex() == SECRET
    assert key.to_bytes() == bytes.fromhex(SECRET)
    assert DecoderKey(bytes.fromhex(SECRET)) == key
    assert DecoderKey.from_hex(SECRET.upper()) == key


def test_decoder_key_repr_and_str_hide_the_key():
    key = DecoderKey.from_hex(SECRET)
    for text in (repr(key), str(key), f"{key}", repr([key])):
        assert SECRET not in text.lower()
        assert SECRET[::-1] not in text.lower()


def test_decoder_key_is_immutable():
    key = DecoderKey.from_hex(SECRET)
    with pytest.raises(AttributeError):
        key._bytes = b"\x00" * 8


@pytest.mark.parametrize(
    "text", ["e653341f9d5bf36", "e653341f9d5bf36f00", "g653341f9d5bf36f", "", "e6 53 34 1f 9d5b", "e653341f9d5bf3٦٦"]
)
def test_bad_key_text_is_refused_without_repeating_it(text):
    with pytest.raises(KeyFormatError) as caught:
        DecoderKey.from_hex(text)
    assert "16 hex digits" in str(caught.value)
    if text:
        assert text not in str(caught.value)


def test_derivation_errors_never_contain_the_vending_key():
    vk = bytes.fromhex("abababababababab")
    with pytest.raises(KeyFormatError) as caught:
        derive_decoder_key(vk + b"\x01", pan="600727000000000009", sgc="123456", ti="01", krn=1, kt=2)
    assert "abab" not in str(caught.value)
    with pytest.raises(LuhnError) as caught:
        derive_decoder_key(vk, pan="600727000000000008", sgc="123456", ti="01", krn=1, kt=2)
    assert "abab" not in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("sgc", "12345", "SGC"), ("ti", "1", "TI"), ("krn", 0, "KRN"), ("krn", 10, "KRN"), ("kt", 4, "KT")],
)
def test_derivation_parameters_are_checked(field, value, message):
    params = {"pan": "600727000000000009", "sgc": "123456", "ti": "01", "krn": 1, "kt": 2, field: value}
    with pytest.raises(ParameterError, match=message):
        derive_decoder_key(bytes(8), **params)


def test_unknown_derivation_algorithm_is_refused():
    with pytest.raises(ParameterError, match="02 or 04"):
        derive_decoder_key(bytes(8), pan="600727000000000009", sgc="123456", ti="01", krn=1, kt=2, dkga="03")


def test_luhn_digit_of_known_numbers():
    assert luhn_digit("60072700000000000") == "9"
    assert luhn_digit("4750015023") == "1"
    assert luhn_digit("7992739871") == "3"  # the textbook example


def test_pan_from_drn_appends_the_pan_check_digit():
    assert pan_from_drn("47500150231") == "600727475001502312"
    assert pan_from_drn("00000000000") == "600727000000000009"


def test_pan_from_drn_with_iin_0000_takes_a_13_digit_drn():
    drn = "012345678901" + luhn_digit("012345678901")
    pan = pan_from_drn(drn, iin="0000")
    assert len(pan) == 18 and pan.startswith("0000" + drn)


def test_drn_with_a_wrong_check_digit_is_refused():
    with pytest.raises(LuhnError, match="wrong check digit"):
        pan_from_drn("47500150232")


@pytest.mark.parametrize("drn", ["4750015023", "475001502311", "4750015023a"])
def test_drn_of_the_wrong_length_or_not_digits_is_refused(drn):
    with pytest.raises(LuhnError, match="11 digits"):
        pan_from_drn(drn)


def test_decoder_key_copies_are_itself_and_it_cannot_be_pickled():
    key = DecoderKey.from_hex(SECRET)
    assert copy.copy(key) is key
    assert copy.deepcopy({"k": key})["k"] is key
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(key)


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_appending_the_luhn_digit_makes_the_textbook_checksum_zero(digits):
    full = digits + luhn_digit(digits)
    total = 0
    for i, ch in enumerate(reversed(full)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    assert total % 10 == 0


@pytest.mark.parametrize("text", ["0123456789abcdef", "0123456789ABCDEF0123456789abcdef01234567"])
def test_the_vending_key_parser_reads_16_or_40_hex_digits(text):
    from tokens.sts.keys import parse_vending_key

    assert parse_vending_key(text) == bytes.fromhex(text)


@pytest.mark.parametrize("text", ["01 23 45 67 89ab", "0123456789abcde", "0123456789abcdeg", "０123456789abcdef"])
def test_the_vending_key_parser_refuses_anything_else_whole(text):
    from tokens.sts.keys import parse_vending_key

    with pytest.raises(KeyFormatError):
        parse_vending_key(text)
