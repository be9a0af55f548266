"""The clock is checked: lost power, plausible range, never back past the last save, jumps believed when they persist."""

from fakehw import LOGIN, FakeI2C, credit_code, make_meter, reboot, screen_text, type_keys, use
from meter import dates, faults
from meter.ds3231 import DS3231
from meter.timekeeper import PERSIST_S

MARCH_20 = dates.seconds(2024, 3, 20, 15, 0)  # 10:00 in Colombia


def subsidised(now=MARCH_20, kwh=2):
    """A meter with `kwh` of subsidy a month, all used this month, no other credit."""
    m = make_meter(now=now)
    type_keys(m, LOGIN + "DDDD" + "%dA" % kwh + "DA")
    use(m, kwh * 1000)
    assert not m.relay and m.status()["subsidy_kwh"] == 0
    return m


def run_hours(m, hours):
    for _ in range(hours):
        m.clock.advance(3600)
        m.tick()


def days_until_april(m):
    return (dates.seconds(2024, 4, 1, 5, 0) - m.clock.t) // 86400 + 1


def test_a_single_reading_in_the_future_grants_no_month():
    m = subsidised()
    m.clock.jump(dates.seconds(2031, 7, 15) - m.clock.t)
    m.clock.advance(1)
    m.tick()
    assert not m.relay and m.status()["subsidy_kwh"] == 0
    assert m.faults.counts[faults.CLOCK_JUMP] == 1
    m.clock.jump(-(dates.seconds(2031, 7, 15) - MARCH_20))  # the next reading is sane again
    run_hours(m, 24 * days_until_april(m))
    assert m.relay and m.status()["subsidy_kwh"] == 2.0  # April comes, 2031 never counted


def test_a_jump_forward_is_believed_when_it_persists():
    m = subsidised(now=dates.seconds(2024, 3, 31, 12, 0))
    m.clock.jump(86400)  # the RTC says April 1st
    m.clock.advance(60)
    m.tick()
    assert not m.relay
    m.clock.advance(PERSIST_S)
    m.tick()
    assert m.relay and m.status()["subsidy_kwh"] == 2.0
    assert m.now() == m.clock.t


def test_an_all_ff_clock_does_not_stop_the_subsidy():
    rtc = DS3231(FakeI2C(b"\xff" * 32))
    try:
        rtc.now()
    except ValueError:
        pass
    else:
        raise AssertionError("0xFF registers read as a time")
    m = subsidised()
    m.clock.garbage = True  # what DS3231.now() does with such registers: ValueError
    run_hours(m, 24 * days_until_april(m))
    assert m.relay and m.status()["subsidy_kwh"] == 2.0  # the months go on by the tick clock
    assert m.faults.counts[faults.CLOCK_RANGE] > 0
    assert "Ajuste la hora" in screen_text(m)


def test_a_clock_reset_to_2000_does_not_stop_the_subsidy():
    m = subsidised()
    m.clock.jump(dates.seconds(2000, 1, 1) - m.clock.t)
    run_hours(m, 24 * days_until_april(m))
    assert m.relay and m.status()["subsidy_kwh"] == 2.0


def test_a_clock_that_lost_power_is_not_believed_after_a_reset():
    m = subsidised()
    saved = m.state.saved_at
    m.clock.lost = True
    m.clock.t = dates.seconds(2000, 1, 1)
    again = reboot(m)
    assert again.now() >= saved
    assert again.time.needs_setting
    assert "Ajuste la hora en #" in screen_text(again)
    assert "Hora sin ajustar" in screen_text(again)
    assert again.faults.counts[faults.CLOCK_LOST] == 1
    assert again.status()["subsidy_kwh"] == 0  # no month given or taken


def test_time_never_goes_backwards_past_the_last_save():
    m = make_meter()
    type_keys(m, "*" + credit_code(10, 1) + "A")
    saved = m.state.saved_at
    m.clock.jump(-86400)
    m.clock.advance(60)
    m.tick()
    assert m.now() >= saved + 60
    assert m.faults.counts[faults.CLOCK_BACK] == 1
    again = reboot(m)
    assert again.now() >= saved
    assert again.time.needs_setting
    assert again.relay  # the relay follows the credit, not the clock


def test_the_administrator_sets_the_clock_at_hora():
    m = make_meter()
    m.clock.lost = True
    m.clock.t = dates.seconds(2000, 1, 1)
    m = reboot(m)
    assert m.time.needs_setting
    type_keys(m, LOGIN + "D" * 7)  # past SALIR: HORA
    assert "HORA" in screen_text(m)
    type_keys(m, "202403121030A")  # 10:30 in Colombia
    assert m.message == ["Hora ajustada"]
    assert m.clock.t == dates.seconds(2024, 3, 12, 15, 30) and not m.clock.lost
    assert not m.time.needs_setting
    assert m.now() == m.clock.t
    assert "SALIR" in screen_text(m)


def test_a_bad_time_at_hora_is_refused():
    m = make_meter()
    type_keys(m, LOGIN + "D" * 7 + "202402301200A")
    assert m.message == ["Valor inválido"]
    type_keys(m, "C" * 12 + "200001011200A")  # before the firmware existed
    assert m.message == ["Valor inválido"]
    assert m.clock.t == m.now()


def test_setting_the_clock_back_neither_takes_the_month_granted_nor_grants_it_again():
    m = subsidised(now=dates.seconds(2031, 7, 15, 15, 0))  # a clock set far ahead at provisioning
    assert m.state.subsidy_month == 2031 * 12 + 6
    type_keys(m, LOGIN + "D" * 7 + "202403201000A")
    assert m.status()["subsidy_kwh"] == 0 and not m.relay  # this month was granted already
    run_hours(m, 24)
    assert not m.relay
    run_hours(m, 24 * days_until_april(m))
    assert m.relay and m.status()["subsidy_kwh"] == 2.0  # April 2024, not July 2031


def test_a_month_is_granted_once_across_resets():
    m = subsidised()
    for _ in range(3):
        m.clock.advance(60)
        m = reboot(m)
        assert m.status()["subsidy_kwh"] == 0 and not m.relay


class WrappingTicks:
    """The board's ticks_ms: it wraps every 2^30 ms (12.4 days); differences are valid up to 6 days."""

    PERIOD = 1 << 30

    def __init__(self):
        self.ms = self.PERIOD - 5000  # about to wrap

    def ticks_ms(self):
        return self.ms % self.PERIOD

    def ticks_diff(self, a, b):
        return ((a - b + self.PERIOD // 2) % self.PERIOD) - self.PERIOD // 2


def test_time_on_the_tick_clock_survives_its_wrap_around():
    from meter.timekeeper import TimeKeeper

    ticks = WrappingTicks()
    rtc = make_meter().clock
    tk = TimeKeeper(rtc, ticks.ticks_ms, ticks.ticks_diff)
    start = tk.start(rtc.t - 60)
    rtc.fail = -1  # the RTC is gone for 30 days: the tick clock carries the time
    for _ in range(30 * 24):
        ticks.ms += 3600 * 1000 + 7
        tk.read()
    assert tk.now() - start == 30 * 86400 + 5  # the 7 ms of each hour add up to 5 s: none lost
