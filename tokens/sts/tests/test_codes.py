from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokens.sts import (
    MAX_AMOUNT,
    AmountError,
    CodeFormatError,
    CrcMismatch,
    DecoderKey,
    KeyRequiredError,
    MalformedCode,
    Management,
    ParameterError,
    TidError,
    ValidCode,
    amount_floor,
    decode,
    decode_amount,
    format_code,
    issue_credit,
    issue_key_change,
    issue_management,
    issue_test_token,
)
from tokens.sts.sta import STA

KEY = DecoderKey.from_hex("e653341f9d5bf36f")
OTHER = DecoderKey.from_hex("eb4ad6d9e42e59f7")

keys = st.binary(min_size=8, max_size=8).map(DecoderKey)
tids = st.integers(0, 2**24 - 1)
rnds = st.integers(0, 15)


def test_format_code_groups_digits_by_four():
    assert format_code("23716100501183194197") == "2371 6100 5011 8319 4197"


def test_format_code_refuses_what_is_not_a_code():
    with pytest.raises(CodeFormatError, match="20 digits"):
        format_code("2371610050118319419")


def test_decode_accepts_the_printed_form_with_spaces():
    assert isinstance(decode(KEY, "2371 6100 5011 8319 4197"), ValidCode)


@pytest.mark.parametrize("code", ["", "2371610050118319419", "237161005011831941977", "2371610050118319419x", "١" * 20])
def test_decode_reports_codes_that_are_not_20_digits_as_malformed(code):
    result = decode(KEY, code)
    assert isinstance(result, MalformedCode)
    assert "20 digits" in result.reason


def test_decode_reports_numbers_above_2_to_the_66_as_malformed():
    result = decode(KEY, str(2**66))
    assert isinstance(result, MalformedCode)
    assert "2^66" in result.reason
    assert not isinstance(decode(KEY, str(2**66 - 1)), MalformedCode)


def test_decode_with_another_meters_key_is_a_crc_mismatch():
    result = decode(OTHER, "23716100501183194197")
    assert result == CrcMismatch("23716100501183194197", 0)


def test_decode_of_a_mistyped_code_is_a_crc_mismatch():
    assert isinstance(decode(KEY, "23716100501183194198"), CrcMismatch)


def test_decode_of_an_encrypted_code_needs_a_key():
    with pytest.raises(KeyRequiredError):
        decode(None, "23716100501183194197")


def test_decode_of_a_test_code_needs_no_key():
    result = decode(None, issue_test_token(1, control=5, manufacturer=700))
    assert (result.token_class, result.subclass, result.control, result.manufacturer) == (1, 1, 5, 700)


def test_valid_code_repr_hides_the_new_key_half():
    new = DecoderKey.from_hex("0123456789abcdef")
    part1, part2 = issue_key_change(KEY, new, krn=2, kt=2, ti="07", ken=0x9C, rollover=True)
    first, second = decode(KEY, part1), decode(KEY, part2)
    assert (first.ken_half << 4 | second.ken_half, first.krn, first.kt, first.rollover, second.ti) == (
        0x9C,
        2,
        2,
        True,
        "07",
    )
    assert "1234567" not in repr(first) + repr(second)
    assert "89abcdef" not in repr(first).lower() + repr(second).lower()
    assert (first.key_half << 32 | second.key_half) == int(new)


def test_credit_amount_with_more_than_one_decimal_place_is_refused():
    with pytest.raises(AmountError, match="one decimal place"):
        issue_credit(KEY, Decimal("1.25"), tid=1)


@pytest.mark.parametrize("amount", ["0", "-1", "1820162.5"])
def test_credit_amount_out_of_range_is_refused(amount):
    with pytest.raises(AmountError):
        issue_credit(KEY, Decimal(amount), tid=1)


def test_credit_for_an_unknown_service_is_refused():
    with pytest.raises(ParameterError, match="electricity, water or gas"):
        issue_credit(KEY, Decimal("1"), tid=1, service="heat")


@pytest.mark.parametrize(("tid", "rnd", "error"), [(-1, 0, TidError), (2**24, 0, TidError), (1, 16, ParameterError)])
def test_credit_with_tid_or_rnd_out_of_range_is_refused(tid, rnd, error):
    with pytest.raises(error):
        issue_credit(KEY, Decimal("1"), tid=tid, rnd=rnd)


@pytest.mark.parametrize("subclass", [3, 4, 8, -1])
def test_management_with_an_unknown_or_key_change_subclass_is_refused(subclass):
    with pytest.raises(ParameterError, match="subclass"):
        issue_management(KEY, subclass, 0, tid=1)


def test_management_raw_value_out_of_range_is_refused():
    with pytest.raises(ParameterError, match="65535"):
        issue_management(KEY, Management.CLEAR_CREDIT, 65536, tid=1)


@pytest.mark.parametrize(("subclass", "control"), [(2, None), (0, 2**36), (1, 2**28)])
def test_test_code_with_unknown_subclass_or_too_wide_control_is_refused(subclass, control):
    with pytest.raises(ParameterError):
        issue_test_token(subclass, control=control)


def test_issuing_without_a_decoder_key_is_refused():
    with pytest.raises(ParameterError, match="DecoderKey"):
        issue_credit("e653341f9d5bf36f", Decimal("1"), tid=1)


def test_random_rnd_is_drawn_when_not_given():
    rnds_seen = {decode(KEY, issue_credit(KEY, Decimal("1"), tid=7)).rnd for _ in range(200)}
    assert len(rnds_seen) > 8


# -- properties -----------------------------------------------------------------------------------


@given(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1))
def test_sta_decryption_inverts_encryption(key, block):
    assert STA.decrypt(key, STA.encrypt(key, block)) == block


@settings(max_examples=300)
@given(keys, st.sampled_from(["electricity", "water", "gas"]), tids, rnds, st.integers(1, MAX_AMOUNT))
def test_credit_codes_decode_to_what_was_issued(key, service, tid, rnd, tenths):
    tenths = amount_floor(tenths)  # exactly encodable, so the decoded amount is the issued one
    code = issue_credit(key, Decimal(tenths) / 10, tid=tid, service=service, rnd=rnd)
    result = decode(key, code)
    assert isinstance(result, ValidCode)
    assert (result.token_class, result.kind, result.tid, result.rnd) == (0, service, tid, rnd)
    assert result.amount == Decimal(tenths) / 10


@settings(max_examples=300)
@given(keys, st.sampled_from([0, 1, 2, 5, 6, 7]), tids, rnds, st.integers(0, 0xFFFF))
def test_management_codes_decode_to_what_was_issued(key, subclass, tid, rnd, field):
    encoded = subclass in (0, 2, 6, 7)
    value = decode_amount(field) if encoded else field
    result = decode(key, issue_management(key, subclass, value, tid=tid, rnd=rnd))
    assert isinstance(result, ValidCode)
    assert (result.token_class, result.subclass, result.tid, result.rnd) == (2, subclass, tid, rnd)
    assert (result.field, result.value) == (field, value)


@given(keys, keys, st.integers(1, 9), st.integers(0, 3), st.integers(0, 99), st.integers(0, 255), st.booleans())
def test_key_change_codes_decode_to_what_was_issued(key, new, krn, kt, ti, ken, rollover):
    part1, part2 = issue_key_change(key, new, krn=krn, kt=kt, ti=f"{ti:02d}", ken=ken, rollover=rollover)
    first, second = decode(key, part1), decode(key, part2)
    assert (first.subclass, second.subclass) == (3, 4)
    assert (first.krn, first.kt, first.rollover, second.ti) == (krn, kt, rollover, f"{ti:02d}")
    assert first.ken_half << 4 | second.ken_half == ken
    assert DecoderKey((first.key_half << 32 | second.key_half).to_bytes(8, "big")) == new


@given(st.sampled_from([0, 1]), st.data())
def test_test_codes_decode_to_what_was_issued(subclass, data):
    control_bits, maker_bits = (36, 8) if subclass == 0 else (28, 16)
    control = data.draw(st.integers(0, 2**control_bits - 1))
    maker = data.draw(st.integers(0, 2**maker_bits - 1))
    result = decode(None, issue_test_token(subclass, control=control, manufacturer=maker))
    assert (result.token_class, result.subclass, result.control, result.manufacturer) == (1, subclass, control, maker)
