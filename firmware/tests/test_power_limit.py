"""The maximum power limit cuts the supply and retries; the other class 2 codes say what they did."""

from fakehw import credit_code, make_meter, management_code, screen_text, type_keys
from meter import power_limit, token
from meter.power_limit import OVER_S, RETRY_S, PowerLimit


def loaded(load_w, limit_w=1000):
    m = make_meter()
    type_keys(m, "*" + credit_code(100, 10) + "A")  # 10 kWh
    type_keys(m, "*" + management_code(token.SUB_MAX_POWER, token.amount_field(limit_w), 11) + "A")
    assert m.last_result == "accepted"
    assert m.state.max_power_w == limit_w
    m.energy.load_w = load_w
    return m


def run(m, seconds, load_w):
    for _ in range(seconds):
        m.energy.advance(1, load_w, m.relay)
        m.clock.advance(1)
        m.tick()


def test_a_load_under_the_limit_keeps_the_supply():
    m = loaded(900)
    run(m, 120, 900)
    assert m.relay
    assert m.power_limit.trips == 0


def test_a_load_above_the_limit_for_a_few_seconds_opens_the_relay_and_says_why():
    m = loaded(1500)
    run(m, OVER_S - 1, 1500)
    assert m.relay  # a short peak is allowed
    run(m, 2, 1500)
    assert not m.relay
    assert m.relay_pin.v == 0
    text = screen_text(m)
    assert "Límite de potencia superado" in " ".join(m.message)
    assert "1500 W > 1000 W" in " ".join(m.message)
    assert "Límite" in text


def test_after_the_delay_the_meter_retries_and_cuts_again_while_the_load_stays():
    m = loaded(1500)
    run(m, OVER_S + 1, 1500)
    assert not m.relay
    run(m, RETRY_S - 2, 1500)
    assert not m.relay
    run(m, 3, 1500)
    assert m.relay  # retried
    assert "Reconectado" in " ".join(m.message)
    run(m, OVER_S + 1, 1500)
    assert not m.relay
    assert m.power_limit.trips == 2


def test_after_the_retry_a_smaller_load_keeps_the_supply():
    m = loaded(1500)
    run(m, OVER_S + 1, 1500)
    run(m, RETRY_S + 1, 500)
    run(m, 60, 500)
    assert m.relay
    assert m.power_limit.trips == 1


def test_the_cut_for_power_does_not_use_credit_while_open():
    m = loaded(3600)
    run(m, OVER_S + 1, 3600)
    credit = m.state.credit_wh
    run(m, 30, 3600)
    assert m.state.credit_wh == credit


def test_no_limit_means_no_cut():
    limit = PowerLimit()
    assert not limit.update(0, 100000, 0)
    assert not limit.update(0, 100000, 100)
    assert not limit.tripped()


def test_clear_tamper_is_accepted_and_says_it_has_no_sensor():
    m = make_meter()
    type_keys(m, "*" + management_code(token.SUB_CLEAR_TAMPER, 0, 12) + "A")
    assert m.last_result == "accepted"
    assert "Alarma de manipulación borrada" in m.message
    assert 12 in m.state.tids


def test_the_other_settings_are_shown_as_accepted_with_no_effect():
    for sub, words in (
        (token.SUB_TARIFF, "Tarifa"),
        (token.SUB_UNBALANCE, "Desbalance"),
        (token.SUB_WATER_FACTOR, "agua"),
    ):
        m = make_meter()
        type_keys(m, "*" + management_code(sub, token.amount_field(30), 20 + sub) + "A")
        assert m.last_result == "accepted"
        text = " ".join(m.message)
        assert words in text and "sin efecto" in text, text


def test_setting_message_names_each_subclass():
    assert power_limit.setting_message(5, 0)[1] == "Alarma de manipulación borrada"
    assert "sin efecto" in power_limit.setting_message(9, 0)[1]
