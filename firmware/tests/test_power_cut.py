"""A power cut at every byte of a save leaves the old or the new credit, never another."""

from fakehw import PowerCut, credit_code, make_meter, reboot, type_keys


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
