"""A power cut at every byte of a save leaves the old or the new credit, never another."""

from fakehw import DK, LOGIN, OTHER_DK, PowerCut, credit_code, make_meter, reboot, sta, type_keys, use
from meter import dates, token
from meter.storage import KEY_BASE, KEY_SLOT


def bytes_of_one_save(m, action):
    """How many bytes the action writes to the flash."""
    probe = m.flash.copy()
    n = reboot(m, probe)
    before = probe.written
    action(n)
    return probe.written - before


def cut_everywhere(m, action, check):
    total = bytes_of_one_save(m, action)
    assert total > 20
    outcomes = set()
    for k in range(total + 1):
        flash = m.flash.copy()
        n = reboot(m, flash)
        flash.cut_after(k)
        try:
            action(n)
        except PowerCut:
            pass
        after = reboot(n, flash)
        outcomes.add(check(after))
    return outcomes


def test_cut_at_every_byte_of_a_recharge_keeps_old_or_new_credit():
    m = make_meter()
    type_keys(m, "*" + credit_code(25, 1000) + "A")
    code = credit_code(15, 1001)

    def recharge(n):
        type_keys(n, "*" + code + "A")

    def credit(after):
        c = after.state.credit_wh
        assert c in (2500, 4000), c
        # the TID memory always agrees with the credit: never counted twice, never lost
        assert (1001 in after.state.tids) == (c == 4000)
        return c

    assert cut_everywhere(m, recharge, credit) == {2500, 4000}


def test_after_a_cut_the_code_is_accepted_again_only_if_it_was_not_counted():
    m = make_meter()
    code = credit_code(15, 2000)
    for k in (0, 10, 30, 10**6):
        flash = m.flash.copy()
        n = reboot(m, flash)
        flash.cut_after(k)
        try:
            type_keys(n, "*" + code + "A")
        except PowerCut:
            pass
        after = reboot(n, flash)
        type_keys(after, "*" + code + "A")
        assert after.state.credit_wh == 1500
        assert after.last_result == ("accepted" if k < 10**6 else "used")


def test_cut_at_every_byte_of_a_consumption_save_keeps_old_or_new_credit():
    m = make_meter()
    type_keys(m, "*" + credit_code(50, 1000) + "A")

    def draw(n):
        n.energy.ws += 40 * 3600
        n.clock.advance(60)
        n.tick()

    def credit(after):
        c = after.state.credit_wh
        assert c in (5000, 4960), c
        assert after.state.energy_wh == 5000 - c
        return c

    assert cut_everywhere(m, draw, credit) == {5000, 4960}


def base_with_credit():
    m = make_meter()
    type_keys(m, "*" + credit_code(50, 1000) + "A")
    use(m, 0)  # the relay's close held
    return m


def test_cut_at_every_byte_of_an_administration_save_keeps_the_old_or_the_new_settings():
    m = base_with_credit()

    def admin(n):
        type_keys(n, LOGIN + "DDD" + "5A" + "DDA")  # CREDITO 5 kWh, SALIR

    def check(after):
        assert after.state.credit_wh == 5000
        return after.state.emergency_wh

    assert cut_everywhere(m, admin, check) == {0, 5000}


def test_cut_at_every_byte_of_a_lockout_save_keeps_the_credit():
    m = base_with_credit()
    wrong = "*" + credit_code(10, 5, key=OTHER_DK) + "A"

    def miss(n):
        type_keys(n, wrong)

    def check(after):
        assert after.state.credit_wh == 5000
        return after.state.misses

    assert cut_everywhere(m, miss, check) == {0, 1}


def test_cut_at_every_byte_of_a_month_start_grants_the_month_once():
    m = make_meter(now=dates.seconds(2024, 3, 31, 12, 0))
    type_keys(m, LOGIN + "DDDD" + "2A" + "DA")  # SUBSIDIO 2 kWh
    type_keys(m, "*" + credit_code(50, 1000) + "A")
    use(m, 2500)  # the subsidy and 0.5 kWh of the credit
    m.clock.advance(dates.seconds(2024, 4, 1, 4, 59) - m.clock.t)
    use(m, 0)

    def midnight(n):
        n.clock.advance(120)
        n.tick()

    def check(after):
        assert after.state.credit_wh == 4500
        assert after.state.subsidy_month == 2024 * 12 + 3
        return after.state.subsidy_used_wh

    assert cut_everywhere(m, midnight, check) == {0}


def test_cut_at_every_byte_of_a_key_change_keeps_the_credit_and_one_key():
    m = base_with_credit()
    p1, p2 = token.encode_kct(sta(DK), bytes.fromhex(OTHER_DK), krn=2, kt=2, ti=1, ro=1)
    type_keys(m, "*" + p1 + "A")

    def change(n):
        type_keys(n, "*" + p2 + "A")

    def check(after):
        s = after.state
        key = s.key
        assert s.credit_wh == 5000
        if key == OTHER_DK:
            assert (s.krn, s.kct1, s.kct2, s.tids) == (2, None, None, [])  # finished, even if cut between
        else:
            assert s.key == DK and s.krn == 1 and s.tids == [1000]
            type_keys(after, "*" + p2 + "A")  # typed again, it completes the change
            assert after.state.key == OTHER_DK
        return key

    assert cut_everywhere(m, change, check) == {DK, OTHER_DK}


def key_region(m):
    return bytes(m.flash.mem[KEY_BASE : KEY_BASE + 2 * KEY_SLOT])


def test_the_decoder_key_record_is_written_only_when_the_key_changes():
    m = base_with_credit()
    before = key_region(m)
    type_keys(m, "*" + credit_code(10, 1001) + "A")
    use(m, 500)
    type_keys(m, LOGIN + "DDD" + "5A" + "DDA")
    assert key_region(m) == before
    p1, p2 = token.encode_kct(sta(DK), bytes.fromhex(OTHER_DK), krn=2, kt=2, ti=1)
    type_keys(m, "*" + p1 + "A" + "*" + p2 + "A")
    assert key_region(m) != before
    assert reboot(m).state.key == OTHER_DK
