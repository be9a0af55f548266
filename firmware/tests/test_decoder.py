from fakehw import DK, OTHER_DK, credit_code, management_code, sta
from meter import token
from meter.decoder import Decoder
from meter.state import TID_MEMORY, State


def decoder(**kw):
    kw.setdefault("key", DK)
    return Decoder(State(**kw))


def test_worked_vector_adds_a_tenth_of_a_kwh():
    d = decoder()
    assert d.enter("23716100501183194197") == ("accepted", ("credit", 100, 0, 0x599863))
    assert d.state.credit_wh == 100
    assert d.state.tids == [0x599863]


def test_the_same_code_again_is_used_and_adds_nothing():
    d = decoder()
    d.enter("23716100501183194197")
    assert d.enter("23716100501183194197")[0] == "used"
    assert d.state.credit_wh == 100


def test_another_meters_code_is_invalid_and_changes_nothing():
    d = decoder()
    result, info = d.enter(credit_code(50, 1000, key=OTHER_DK))
    assert (result, info) == ("invalid", ("crc",))
    assert d.state.credit_wh == 0 and d.state.tids == []


def test_codes_out_of_order_within_the_memory_are_accepted():
    d = decoder()
    for tid in (105, 101, 103, 102, 104):
        assert d.enter(credit_code(10, tid))[0] == "accepted"
    assert d.state.tids == [101, 102, 103, 104, 105]
    assert d.state.credit_wh == 5000


def test_memory_not_yet_full_accepts_an_older_code():
    d = decoder()
    d.enter(credit_code(10, 5000))
    assert d.enter(credit_code(10, 10))[0] == "accepted"


def test_a_code_older_than_a_full_memory_is_old():
    d = decoder()
    for tid in range(1000, 1000 + TID_MEMORY):
        assert d.enter(credit_code(1, tid))[0] == "accepted"
    assert len(d.state.tids) == TID_MEMORY
    assert d.enter(credit_code(1, 999))[0] == "old"
    # a newer one pushes the oldest out, which then becomes old too
    assert d.enter(credit_code(1, 5000))[0] == "accepted"
    assert d.state.tids[0] == 1001
    assert d.enter(credit_code(1, 1000))[0] == "old"
    assert d.state.credit_wh == (TID_MEMORY + 1) * 100


def test_memory_keeps_at_least_twenty_codes():
    assert TID_MEMORY >= 20


def test_key_expiry_rejects_codes_after_ken():
    d = decoder(ken=0x59)
    assert d.enter(credit_code(10, 0x59FFFF))[0] == "accepted"
    assert d.enter(credit_code(10, 0x5A0000)) == ("expired", ("tid", 0x5A0000))
    assert d.state.credit_wh == 1000


def test_ken_255_never_expires():
    d = decoder(ken=255)
    assert d.enter(credit_code(10, 0xFFFFFF))[0] == "accepted"


def test_water_and_gas_codes_are_refused_on_an_electricity_meter():
    d = decoder()
    assert d.enter(credit_code(10, 77, sub=1)) == ("invalid", ("service", 1))
    assert d.state.credit_wh == 0 and d.state.tids == []


def test_key_change_in_two_parts_installs_the_new_key_keeping_the_credit():
    d = decoder(credit_wh=700)
    d.enter(credit_code(10, 300))
    new = "0123456789abcdef"
    p1, p2 = token.encode_kct(sta(DK), bytes.fromhex(new), krn=2, kt=2, ti=5, ken=0x80)
    assert d.enter(p1) == ("accepted", ("kct", 1))
    assert d.state.key == DK
    assert d.enter(p2) == ("accepted", ("key_changed", 2, 0))
    s = d.state
    assert (s.key, s.krn, s.kt, s.ti, s.ken) == (new, 2, 2, 5, 0x80)
    assert s.credit_wh == 1700 and s.tids == [300]
    assert d.enter(credit_code(10, 301, key=new))[0] == "accepted"
    assert d.enter(credit_code(10, 302, key=DK))[0] == "invalid"


def test_key_change_parts_work_in_either_order():
    d = decoder()
    p1, p2 = token.encode_kct(sta(DK), bytes.fromhex("00000000ffffffff"), krn=3, kt=1, ti=9)
    assert d.enter(p2) == ("accepted", ("kct", 2))
    assert d.enter(p1)[1][0] == "key_changed"
    assert (d.state.key, d.state.krn, d.state.kt, d.state.ti, d.state.ken) == ("00000000ffffffff", 3, 1, 9, 255)


def test_key_change_with_rollover_clears_the_tid_memory():
    d = decoder()
    d.enter(credit_code(10, 0xFFFFF0))
    p1, p2 = token.encode_kct(sta(DK), bytes.fromhex("1111111122222222"), krn=2, kt=2, ti=1, ro=1)
    d.enter(p1)
    d.enter(p2)
    assert d.state.tids == []
    assert d.state.credit_wh == 1000
    assert d.enter(credit_code(10, 5, key="1111111122222222"))[0] == "accepted"


def test_key_change_codes_typed_again_under_the_new_key_are_invalid():
    d = decoder()
    p1, p2 = token.encode_kct(sta(DK), bytes.fromhex("1111111122222222"), krn=2, kt=2, ti=1)
    d.enter(p1)
    d.enter(p2)
    assert d.enter(p1)[0] == "invalid"


def test_clear_credit_management_code():
    d = decoder(credit_wh=12345)
    assert d.enter(management_code(token.SUB_CLEAR_CREDIT, 0, 400))[0] == "accepted"
    assert d.state.credit_wh == 0
    assert d.enter(management_code(token.SUB_CLEAR_CREDIT, 0, 400))[0] == "used"


def test_maximum_power_management_code_is_stored():
    d = decoder()
    assert d.enter(management_code(token.SUB_MAX_POWER, token.amount_field(1500), 401)) == (
        "accepted",
        ("max_power", 1500),
    )
    assert d.state.max_power_w == 1500


def test_test_code_is_accepted_without_touching_the_tid_memory():
    d = decoder()
    code = token.encode_words(token.CLASS_TEST, 0x0FFF, 0xFFFF, 0xFF00, sta(DK))
    assert d.enter(code) == ("accepted", ("test", 0))
    assert d.state.tids == []


def test_a_meter_without_a_key_accepts_nothing():
    d = decoder(key="")
    assert d.enter("23716100501183194197") == ("invalid", ("no_key",))
