"""A relay whose close browns out the supply must not make the board reset in a loop."""

from fakehw import credit_code, make_meter, reboot, screen_text, type_keys
from meter import faults
from meter.app import BACKOFF_S, RELAY_STABLE_S, RESETS_BEFORE_BACKOFF


def browning_out():
    """A meter whose relay just closed; each reboot() is a reset right after the close."""
    m = make_meter()
    type_keys(m, "*" + credit_code(50, 1) + "A")
    assert m.relay and m.state.relay_trial == 1
    return m


def test_resets_right_after_a_close_make_the_relay_wait_doubling_each_time():
    m = browning_out()
    for n in range(1, RESETS_BEFORE_BACKOFF):
        m = reboot(m)  # the close browned the board out
        assert m.state.relay_fails == n
        assert m.relay  # tried again at once
    m = reboot(m)
    assert m.state.relay_fails == RESETS_BEFORE_BACKOFF
    assert not m.relay and m.relay_pin.v == 0 and m.relay_reason == "wait"
    assert "En espera" in screen_text(m)
    assert m.faults.counts[faults.RESET_AFTER_CLOSE] == 1
    m.clock.advance(BACKOFF_S - 1)
    m.tick()
    assert not m.relay
    m.clock.advance(1)
    m.tick()
    assert m.relay and m.relay_pin.v == 1  # tried again after the wait
    m = reboot(m)  # and it reset again: twice the wait
    m.clock.advance(BACKOFF_S)
    m.tick()
    assert not m.relay
    m.clock.advance(BACKOFF_S)
    m.tick()
    assert m.relay
    assert m.state.credit_wh == 5000  # no credit lost on the way


def test_a_close_that_holds_clears_the_count():
    m = browning_out()
    m = reboot(m)
    m = reboot(m)
    assert m.state.relay_fails == 2
    m.clock.advance(RELAY_STABLE_S)
    m.tick()
    assert m.state.relay_trial == 0 and m.state.relay_fails == 0
    m = reboot(m)  # a reset later is not the relay's fault
    assert m.state.relay_fails == 0 and m.relay


def test_a_relay_opened_by_the_rule_is_not_blamed_for_a_later_reset():
    m = make_meter()
    type_keys(m, "*" + credit_code(1, 1) + "A")  # 100 Wh
    m.energy.ws += 100 * 3600
    m.clock.advance(5)
    m.tick()
    assert not m.relay and m.state.relay_trial == 0
    assert reboot(m).state.relay_fails == 0
