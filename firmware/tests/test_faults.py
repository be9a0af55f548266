"""The fault policy (README "Fault policy"): every fault caught, counted, logged; the relay as the policy says."""

from fakehw import LOGIN, PowerCut, credit_code, make_meter, reboot, screen_text, type_keys, use
from meter import faults
from meter.app import FLASH_RISK_WH, TICK_FAILS_OPEN


def with_credit(kwh_tenths=11):
    m = make_meter()
    type_keys(m, "*" + credit_code(kwh_tenths, 1) + "A")
    use(m, 0)  # the close held
    assert m.relay
    return m


def logged(m):
    return [e[2] for e in m.memory.log.entries()]


def test_a_clock_that_stops_answering_keeps_the_relay_and_the_metering():
    m = with_credit()
    t = m.now()
    m.clock.fail = -1  # ENODEV at every read
    for _ in range(5):
        use(m, 100)
    assert m.relay and m.relay_pin.v == 1
    assert m.state.credit_wh == 600  # 1.1 kWh - 0.5 kWh: metered on
    assert m.now() == t + 300  # the tick clock carried the time
    assert m.faults.counts[faults.I2C] == 5
    assert faults.I2C in logged(m)


def test_a_flash_error_keeps_the_credit_in_ram_and_the_save_is_retried():
    m = with_credit()
    m.flash.broken = True
    use(m, 20)
    assert m.relay  # a single failed save cuts nobody off
    assert m.save_failing and m.faults.counts[faults.FLASH] >= 1
    assert m.state.credit_wh == 1080
    m.flash.broken = False
    use(m, 0)
    assert not m.save_failing
    assert reboot(m).state.credit_wh == 1080


def test_a_flash_that_keeps_failing_opens_the_relay_before_too_much_goes_unsaved():
    m = with_credit()
    m.flash.broken = True
    use(m, FLASH_RISK_WH - 10)
    assert m.relay
    use(m, 10)
    assert not m.relay and m.relay_pin.v == 0 and m.relay_reason == "fault"
    assert "Abierto: falla" in screen_text(m)
    m.flash.broken = False
    use(m, 0)
    assert m.relay and m.relay_pin.v == 1
    assert reboot(m).state.credit_wh == 1100 - FLASH_RISK_WH


def test_a_memory_error_in_one_tick_changes_nothing_for_the_customer():
    m = with_credit()
    m.energy.fail = 1
    use(m, 50)
    assert m.relay and m.relay_pin.v == 1
    assert m.faults.counts[faults.MEMORY] == 1
    use(m, 0)  # the energy of the failed tick is drawn at the next one
    assert m.state.credit_wh == 1050


def test_ticks_failing_in_a_row_open_the_relay_until_one_succeeds():
    m = with_credit()
    m.energy.fail = TICK_FAILS_OPEN
    for _ in range(TICK_FAILS_OPEN - 1):
        use(m, 10)
    assert m.relay  # a glitch, not yet a dead loop
    use(m, 10)
    assert not m.relay and m.relay_pin.v == 0  # no free energy through a loop that does not meter
    assert "Abierto: falla" in screen_text(m)
    use(m, 0)
    assert m.relay and m.relay_pin.v == 1
    assert m.state.credit_wh == 1000  # the pulses counted meanwhile were drawn


def test_an_error_while_handling_a_key_goes_back_to_the_main_screen():
    m = with_credit()

    def broken(code):
        raise ValueError("boom")

    m.decoder.enter = broken
    type_keys(m, "*" + credit_code(5, 2) + "A")
    assert m.keys.mode == "main"
    assert m.message == ["Error interno: intente de nuevo"]
    assert m.faults.counts[faults.KEY] == 1
    assert m.relay and m.state.credit_wh == 1100


def test_the_fault_log_is_a_ring_buffer_in_flash_kept_across_a_reset():
    m = make_meter()
    log = m.memory.log
    for i in range(40):
        log.append(1000 + i, faults.TICK, i + 1, 0)
    entries = log.entries()
    assert len(entries) == log.n == 32
    assert entries[0][1] == 1039 and entries[-1][1] == 1008  # newest first, the oldest overwritten
    again = reboot(m)
    assert again.memory.log.entries() == entries
    again.memory.log.append(2000, faults.I2C, 1, 1)
    assert again.memory.log.entries()[0][1:] == (2000, faults.I2C, 1, 1)


def test_a_fault_that_repeats_is_counted_every_time_and_logged_on_its_1st_2nd_4th_8th():
    m = make_meter()
    for _ in range(10):
        m.fault(faults.I2C)
    assert m.faults.counts[faults.I2C] == 10
    assert [e[3] for e in m.memory.log.entries()] == [8, 4, 2, 1]


def test_a_power_cut_while_logging_spoils_that_entry_only():
    m = make_meter()
    m.fault(faults.I2C)
    m.flash.cut_after(7)
    try:
        m.fault(faults.TICK)
    except PowerCut:
        pass
    again = reboot(m)
    assert logged(again) == [faults.I2C]
    again.fault(faults.ADC)
    assert logged(again)[0] == faults.ADC


def test_the_admin_menu_shows_the_fault_log():
    m = with_credit()
    m.clock.fail = 1
    use(m, 0)
    type_keys(m, LOGIN + "D" * 8)  # past SALIR and HORA: FALLAS
    text = screen_text(m)
    assert "FALLAS" in text and "Reloj I2C x1" in text
    type_keys(m, "A")  # back to the first item
    assert "UID" in screen_text(m)


def test_the_log_keeps_counting_in_ram_when_the_flash_fails():
    m = make_meter()
    m.flash.broken = True
    m.fault(faults.I2C)
    assert m.faults.counts[faults.I2C] == 1
    assert m.faults.counts[faults.FLASH] == 1
