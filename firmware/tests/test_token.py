from fakehw import DK, credit_code, sta
from meter import token


def test_crc_field_of_the_published_check_value():
    assert token.crc_field(0, 0x0B19, 0xEB23, 0x0100) == 0xC207


def test_crc_field_of_the_worked_vector():
    assert token.crc_field(0, 0x0559, 0x9863, 0x0001) == 0x19E6


def test_amount_examples_of_tokens_md():
    assert token.amount_field(10) == 0x000A
    assert token.amount_field(16384) == 0x4000
    assert token.amount_field(163830) == 0x7999
    assert token.amount_value(0x7999) == 163834
    assert token.amount_field(18201624) == 0xFFFF
    assert token.amount_value(0xFFFF) == 18201624


def test_amount_rounds_the_mantissa_up_and_never_gives_less():
    for v in (0, 1, 16383, 16385, 16390, 180214, 180215, 180223, 180224, 1818623, 1818624, 1818625, 18201623):
        assert token.amount_value(token.amount_field(v)) >= v
        assert token.amount_value(token.amount_field(v)) - v < 1000


def test_amount_out_of_range_is_refused():
    from mpunit import raises

    with raises(ValueError):
        token.amount_field(18201625)
    with raises(ValueError):
        token.amount_field(-1)


def test_worked_vector_code_decodes_to_its_fields():
    t = token.decode("23716100501183194197", sta(DK))
    assert (t.cls, t.sub, t.rnd, t.tid, t.value) == (0, 0, 5, 0x599863, 1)


def test_encoder_gives_the_worked_vector_code():
    assert token.encode(0, 0, 5, 0x599863, 0x0001, sta(DK)) == "23716100501183194197"


def test_one_wrong_digit_fails_the_crc():
    assert token.decode("23716100501183194198", sta(DK)) is None
    assert token.decode("13716100501183194197", sta(DK)) is None


def test_malformed_codes_are_refused():
    s = sta(DK)
    assert token.decode("2371610050118319419", s) is None  # 19 digits
    assert token.decode("237161005011831941970", s) is None
    assert token.decode("2371610050118319419A", s) is None
    assert token.decode("99999999999999999999", s) is None  # more than 66 bits


def test_digit_parsing_handles_the_66_bit_range():
    assert token.parse_digits("00000000000000000001") == [1, 0, 0, 0, 0]
    top = str((1 << 66) - 1)
    assert token.parse_digits(top) == [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 3]
    assert token.parse_digits(str(1 << 66)) is None


def test_class_bits_round_trip_for_every_class():
    s = sta(DK)
    for cls in (0, 2):
        for sub in (0, 1, 5):
            code = token.encode(cls, sub, 9, 0xABCDEF, 0x1234, s)
            t = token.decode(code, s)
            assert (t.cls, t.sub, t.rnd, t.tid, t.field) == (cls, sub, 9, 0xABCDEF, 0x1234)


def test_class_1_test_code_is_not_encrypted():
    code = token.encode_words(token.CLASS_TEST, 0xFFFF, 0xFFFF, 0xF000, sta(DK))
    t = token.decode(code, sta("0000000000000000"))
    assert t.cls == token.CLASS_TEST


def test_key_change_codes_carry_the_new_key_and_parameters():
    s = sta(DK)
    new = bytes.fromhex("0123456789abcdef")
    p1, p2 = token.encode_kct(s, new, krn=2, kt=2, ti=7, ken=0xA5, ro=1)
    t1 = token.decode(p1, s)
    t2 = token.decode(p2, s)
    assert (t1.cls, t1.sub, t2.sub) == (2, 3, 4)
    assert (t1.kct_high, t2.kct_high) == (0x01234567, 0x89ABCDEF)
    assert (t1.kct_krn, t1.kct_kt, t1.kct_ro, t1.kct_ken_nibble, t2.kct_ken_nibble, t2.kct_ti) == (2, 2, 1, 0xA, 5, 7)


def test_credit_code_helper_makes_codes_of_twenty_digits():
    code = credit_code(15, 1234)
    assert len(code) == 20 and code.isdigit()
    assert token.decode(code, sta(DK)).value == 15
