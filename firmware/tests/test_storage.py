from fakehw import FakeFlash
from meter.storage import Store


def test_a_blank_flash_has_no_record():
    assert Store(FakeFlash()).load() is None


def test_saves_alternate_slots_and_the_newest_wins():
    flash = FakeFlash()
    st = Store(flash)
    st.save(b"one")
    assert st.current == 0
    st.save(b"two")
    assert st.current == 1
    st.save(b"three")
    assert st.current == 0
    fresh = Store(flash)
    assert fresh.load() == b"three"
    assert fresh.seq == 3


def test_a_corrupt_newest_slot_falls_back_to_the_other():
    flash = FakeFlash()
    st = Store(flash)
    st.save(b"old")
    st.save(b"new")
    flash.mem[Store.SLOT + 15] ^= 0x01  # a flipped bit in the newest payload
    assert Store(flash).load() == b"old"


def test_after_a_fallback_the_next_save_overwrites_the_bad_slot():
    flash = FakeFlash()
    st = Store(flash)
    st.save(b"old")
    st.save(b"new")
    flash.mem[Store.SLOT + 15] ^= 0x01
    st2 = Store(flash)
    st2.load()
    st2.save(b"newer")
    assert st2.current == 1
    assert Store(flash).load() == b"newer"
    assert st2._read_slot(0)[1] == b"old"


def test_a_record_too_large_is_refused():
    from mpunit import raises

    with raises(ValueError):
        Store(FakeFlash()).save(b"x" * Store.SLOT)


def test_the_largest_meter_state_fits_in_a_slot():
    from meter.state import TID_MEMORY, State

    s = State(
        key="ffffffffffffffff",
        drn="6007270000000",
        entity="E" * 40,
        tids=[0xFFFFFF - i for i in range(TID_MEMORY)],
        kct1=[0xFFFFFFFF, 15, 9, 1, 3],
        kct2=[0xFFFFFFFF, 15, 255],
        credit_wh=10**13,
        subsidy_wh=9999990,
        subsidy_used_wh=9999990,
        subsidy_month=2199 * 12,
        emergency_wh=9999990,
        emergency_used_wh=9999990,
        energy_wh=10**13,
        misses=10**6,
        lock_until=2**40,
        uid="9" * 15,
        did="9" * 15,
        fecha="20991231",
        password="99999999",
    )
    blob = s.to_bytes()
    assert len(blob) < Store.SLOT - 14
    flash = FakeFlash()
    Store(flash).save(blob)
    assert State.from_bytes(Store(flash).load()).to_dict() == s.to_dict()
