from fakehw import LOGIN, START, credit_code, make_meter, reboot, screen_text, type_keys, use
from meter import dates


def test_a_new_meter_has_its_relay_open_until_a_recharge():
    m = make_meter()
    assert not m.relay and m.relay_pin.v == 0
    type_keys(m, "*" + credit_code(10, 1) + "A")
    assert m.relay and m.relay_pin.v == 1


def test_relay_opens_when_the_credit_is_used_up():
    m = make_meter()
    type_keys(m, "*" + credit_code(1, 1) + "A")  # 100 Wh
    use(m, 60)
    assert m.relay
    use(m, 60)
    assert not m.relay and m.relay_pin.v == 0
    assert m.state.credit_wh == 0 and m.state.energy_wh == 100
    assert "Abierto" in screen_text(m)


def test_emergency_credit_is_lent_then_taken_back_at_the_next_recharge():
    m = make_meter()
    type_keys(m, LOGIN + "DDD" + "1A" + "DD" + "A")  # CREDITO 1 kWh, SALIR
    assert m.state.emergency_wh == 1000
    type_keys(m, "*" + credit_code(5, 1) + "A")  # 0.5 kWh
    use(m, 800)
    assert m.relay
    assert m.state.credit_wh == 0 and m.state.emergency_used_wh == 300
    type_keys(m, "*" + credit_code(10, 2) + "A")  # 1 kWh: 0.3 back to emergency
    assert m.state.credit_wh == 700 and m.state.emergency_used_wh == 0
    assert "Crédito de emergencia devuelto: 0,30 kWh" in m.message


def test_subsidy_across_a_month_boundary():
    m = make_meter(now=dates.seconds(2024, 3, 31, 20, 0))  # 15:00 local
    type_keys(m, LOGIN + "DDDD" + "2A" + "D" + "A")  # SUBSIDIO 2 kWh
    use(m, 1500)
    assert m.relay and m.status()["subsidy_kwh"] == 0.5
    m.clock.advance(dates.seconds(2024, 4, 1, 4, 57) - m.clock.t)  # the board runs on: 23:58 local
    use(m, 500)
    assert not m.relay
    m.clock.advance(dates.seconds(2024, 4, 1, 5, 0) - m.clock.t)  # midnight local: April
    m.tick()
    assert m.relay
    assert m.status()["subsidy_kwh"] == 2.0


def test_subsidy_month_is_kept_across_a_reset():
    m = make_meter()
    type_keys(m, LOGIN + "DDDD3A" + "DA")
    use(m, 3000)
    again = reboot(m)
    assert again.status()["subsidy_kwh"] == 0
    assert not again.relay


def test_the_screen_shows_every_reading():
    m = make_meter()
    type_keys(m, "*" + credit_code(123, 1) + "A")
    m.energy.load_w = 350
    use(m, 0)
    text = screen_text(m)
    for part in (
        "AOM",
        "Crédito",
        "12,30 kWh",
        "Potencia",
        "350 W",
        "Energía",
        "Batería",
        "25,6 V",
        "Normal",
        "Inversor",
        "120,0 V~",
        "Relé",
        "Cerrado",
    ):
        assert part in text, part


def test_screen_refreshes_on_events_and_every_thirty_minutes():
    m = make_meter(energy=False)
    shown = m.display.shown
    m.clock.advance(60)
    m.tick()
    assert m.display.shown == shown
    m.clock.advance(1740)
    m.tick()
    assert m.display.shown == shown + 1
    type_keys(m, "*")
    assert m.display.shown == shown + 2


def test_consumption_is_saved_every_ten_wh():
    m = make_meter()
    type_keys(m, "*" + credit_code(10, 1) + "A")
    use(m, 0)  # the relay's close held (saved once, see test_relay_guard.py)
    use(m, 9)
    assert reboot(m).state.credit_wh == 1000
    use(m, 1)
    assert reboot(m).state.credit_wh == 990


def test_a_low_battery_opens_the_relay_when_the_cut_is_enabled():
    m = make_meter()
    type_keys(m, "*" + credit_code(10, 1) + "A")
    m.state.battery_cut = 1
    m.battery.mv = 21500
    use(m, 0)
    assert not m.relay
    m.battery.mv = 23000
    use(m, 0)
    assert not m.relay
    m.battery.mv = 24100
    use(m, 0)
    assert m.relay


def test_the_clock_shown_is_colombian_time():
    m = make_meter(now=START)
    assert m.lines()[-1].strip() == "2024-03-10 10:00"
