from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokens.sts import (
    MAX_AMOUNT,
    AmountError,
    TidError,
    amount_floor,
    datetime_from_tid,
    decode_amount,
    encode_amount,
    next_tid,
    tid_from_datetime,
)


@pytest.mark.parametrize(
    ("tenths", "field", "decoded"),
    [
        (10, 0x000A, 10),
        (16383, 0x3FFF, 16383),
        (16384, 0x4000, 16384),
        (163830, 0x7999, 163834),  # TOKENS.md: rounds up to the next encodable value
        (180223, 0x8000, 180224),  # between e=1's largest (180214) and e=2's smallest: up to e=2
        (18201624, 0xFFFF, 18201624),
    ],
)
def test_amount_encoding_examples(tenths, field, decoded):
    assert encode_amount(tenths) == field
    assert decode_amount(field) == decoded


@pytest.mark.parametrize("tenths", [-1, MAX_AMOUNT + 1])
def test_amount_out_of_range_is_refused(tenths):
    with pytest.raises(AmountError, match="between 0 and 18201624"):
        encode_amount(tenths)


@given(st.integers(0, MAX_AMOUNT))
def test_encoding_rounds_up_to_the_smallest_encodable_value(tenths):
    encoded = decode_amount(encode_amount(tenths))
    assert encoded >= tenths
    # Nothing encodable lies between: the floor of encoded - 1 is below tenths.
    assert encoded == tenths or amount_floor(encoded - 1) < tenths


@given(st.integers(0, 0xFFFF))
def test_every_field_decodes_to_a_value_that_encodes_back_to_itself(field):
    assert encode_amount(decode_amount(field)) == field


@given(st.integers(0, MAX_AMOUNT + 10_000))
def test_amount_floor_is_the_largest_encodable_value_not_above(tenths):
    floor = amount_floor(tenths)
    assert floor <= tenths
    assert decode_amount(encode_amount(floor)) == floor
    if floor < MAX_AMOUNT:
        assert decode_amount(encode_amount(floor + 1)) > tenths


def test_tid_of_the_tokens_md_example():
    assert tid_from_datetime(datetime(2004, 3, 1, 13, 55, tzinfo=UTC), 1993) == 0x599863


def test_tid_is_computed_in_utc_whatever_the_time_zone():
    bogota = timezone(timedelta(hours=-5))
    assert tid_from_datetime(datetime(2004, 3, 1, 8, 55, 59, tzinfo=bogota), 1993) == 0x599863


@pytest.mark.parametrize("base", [1993, 2014, 2035])
def test_tid_counts_minutes_from_each_base_date(base):
    assert tid_from_datetime(datetime(base, 1, 1, tzinfo=UTC), base) == 0
    assert tid_from_datetime(datetime(base, 1, 1, 1, 1, 30, tzinfo=UTC), base) == 61
    assert datetime_from_tid(61, base) == datetime(base, 1, 1, 1, 1, tzinfo=UTC)


def test_base_1993_range_ends_on_2024_11_24_20_15():
    last = datetime(2024, 11, 24, 20, 15, tzinfo=UTC)
    assert tid_from_datetime(last, 1993) == 2**24 - 1
    with pytest.raises(TidError, match="ended on 2024-11-24 20:15 UTC"):
        tid_from_datetime(last + timedelta(minutes=1), 1993)


def test_time_before_the_base_date_is_refused():
    with pytest.raises(TidError, match="before the base date 2014-01-01"):
        tid_from_datetime(datetime(2013, 12, 31, 23, 59, tzinfo=UTC), 2014)


def test_naive_datetime_is_refused():
    with pytest.raises(TidError, match="aware"):
        tid_from_datetime(datetime(2020, 1, 1), 2014)


def test_unknown_base_date_is_refused():
    with pytest.raises(TidError, match="1993, 2014 or 2035"):
        tid_from_datetime(datetime(2020, 1, 1, tzinfo=UTC), 2000)


@given(st.integers(0, 2**24 - 1), st.sampled_from([1993, 2014, 2035]))
def test_tid_and_datetime_are_inverse(tid, base):
    assert tid_from_datetime(datetime_from_tid(tid, base), base) == tid


def test_next_tid_is_now_when_the_meter_has_no_later_tid():
    now = datetime(2020, 5, 1, 10, 30, tzinfo=UTC)
    assert next_tid(now, 2014) == tid_from_datetime(now, 2014)
    assert next_tid(now, 2014, last_tid=tid_from_datetime(now, 2014) - 1) == tid_from_datetime(now, 2014)


def test_next_tid_is_last_plus_one_within_the_same_minute():
    now = datetime(2020, 5, 1, 10, 30, 20, tzinfo=UTC)
    last = tid_from_datetime(now, 2014)
    assert next_tid(now, 2014, last_tid=last) == last + 1
    assert next_tid(now, 2014, last_tid=last + 5) == last + 6


def test_next_tid_refuses_to_go_past_the_last_tid():
    with pytest.raises(TidError, match="last TID"):
        next_tid(datetime(2020, 5, 1, tzinfo=UTC), 2014, last_tid=2**24 - 1)
