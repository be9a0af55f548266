"""The simulator replays every fault of README's fault policy by hand: `fault KIND`, `log`, `reset`."""

from fakehw import DK, LOGIN, PW, credit_code
from simhelp import sim, sim_json

HOST_ONLY = True

DRN = "47500150231"


def init(tmp_path, *extra, now="2024-03-10 15:00"):
    state = tmp_path / "meter.bin"
    r = sim(state, "init", "--decoder-key", DK, "--drn", DRN, *extra, now=now)
    assert r.returncode == 0, r.stderr
    return state


def charged(tmp_path, tenths=11):
    state = init(tmp_path)
    d = sim_json(state, "keys", "*" + credit_code(tenths, 100) + "A")
    assert d["relay"] == "closed"
    return state


def test_init_prints_the_admin_password_and_takes_the_maxima(tmp_path):
    state = tmp_path / "meter.bin"
    d = sim_json(state, "init", "--decoder-key", DK, "--drn", DRN, "--max-credito", "3")
    assert d["admin_password"] == PW
    d = sim_json(state, "keys", LOGIN + "DDD" + "4A")
    assert d["message"] == "Máximo 3 kWh"
    r = sim(state, "init", "--decoder-key", DK, "--drn", DRN)
    assert "admin password: " + PW in r.stdout


def test_a_clock_that_stops_answering_changes_nothing_for_the_customer(tmp_path):
    state = charged(tmp_path)
    d = sim_json(state, "fault", "i2c")
    assert d["relay"] == "closed" and d["faults"] == {"Reloj I2C": 1}
    d = sim_json(state, "run", "--hours", "1", "--load-w", "500")
    assert (d["relay"], d["credit_kwh"]) == ("closed", 0.6)
    assert d["meter_now"] == "2024-03-10 16:00 UTC"  # the tick clock carried the time
    r = sim(state, "log")
    assert "Reloj I2C" in r.stdout and "relay closed" in r.stdout
    d = sim_json(state, "fault", "clear")
    assert d["fault_log"][0]["fault"] == "Reloj I2C"


def test_a_failing_flash_opens_the_relay_only_when_too_much_goes_unsaved(tmp_path):
    state = charged(tmp_path)
    sim(state, "fault", "flash")
    d = sim_json(state, "run", "--hours", "0.1", "--load-w", "500")  # 50 Wh unsaved
    assert d["relay"] == "closed" and d["faults"]["Memoria flash"] >= 1
    d = sim_json(state, "run", "--hours", "0.2", "--load-w", "500")
    assert (d["relay"], d["relay_reason"]) == ("open", "fault")
    assert "Abierto: falla" in "\n".join(d["screen"])
    sim(state, "fault", "clear")
    d = sim_json(state, "run", "--hours", "0.02", "--load-w", "0")
    assert d["relay"] == "closed" and d["credit_kwh"] == 1.0
    d = sim_json(state, "reset")
    assert d["credit_kwh"] == 1.0  # saved once the flash came back


def test_memory_errors_open_the_relay_only_when_the_loop_keeps_failing(tmp_path):
    state = charged(tmp_path)
    d = sim_json(state, "fault", "memory")
    assert d["relay"] == "closed" and d["faults"] == {"Sin memoria RAM": 1}
    d = sim_json(state, "fault", "memory", "--count", "10")
    assert d["relay"] == "closed"  # one failed at once, nine to come
    d = sim_json(state, "run", "--hours", "0.15", "--load-w", "100")
    assert d["relay"] == "closed"  # failed nine more minutes, then metered again
    assert d["faults"]["Sin memoria RAM"] == 11
    sim(state, "fault", "memory", "--count", "12")
    d = sim_json(state, "run", "--hours", "0.15", "--load-w", "0")
    assert (d["relay"], d["relay_reason"]) == ("open", "fault")  # ten ticks in a row failed: no free energy
    d = sim_json(state, "run", "--hours", "0.1", "--load-w", "0")
    assert d["relay"] == "closed"  # recovered


def test_a_clock_that_lost_power_asks_to_be_set_and_hora_sets_it(tmp_path):
    state = charged(tmp_path)
    d = sim_json(state, "fault", "clock-lost")
    assert d["clock"] == "needs_setting" and d["relay"] == "closed"
    assert "Ajuste la hora en #" in d["screen"] and d["screen"][-1].strip() == "Hora sin ajustar"
    d = sim_json(state, "reset")
    assert d["clock"] == "needs_setting" and d["meter_now"] >= "2024-03-10 15:00 UTC"
    d = sim_json(state, "keys", LOGIN + "D" * 7 + "202403101230A")
    assert (d["clock"], d["message"], d["now"]) == ("ok", "Hora ajustada", "2024-03-10 17:30 UTC")


def test_an_all_ff_clock_is_not_believed(tmp_path):
    state = charged(tmp_path)
    d = sim_json(state, "fault", "clock-ff")
    assert d["clock"] == "needs_setting" and d["faults"] == {"Hora imposible": 1}
    d = sim_json(state, "run", "--hours", "2", "--load-w", "0")
    assert d["meter_now"] == "2024-03-10 17:00 UTC" and d["relay"] == "closed"


def test_a_clock_jump_is_believed_only_when_it_persists(tmp_path):
    state = init(tmp_path, now="2024-03-20 15:00")
    sim(state, "keys", LOGIN + "DDDD" + "1A" + "DA", now="2024-03-20 15:00")
    d = sim_json(state, "run", "--hours", "2", "--load-w", "500", now="2024-03-20 15:00")
    assert (d["subsidy_kwh"], d["relay"]) == (0, "open")
    sim(state, "fault", "clock-jump", "--days", "15", now="2024-03-20 15:00")  # April 4th
    d = sim_json(state, "run", "--hours", "0.05", "--load-w", "0", now="2024-03-20 15:00")
    assert (d["subsidy_kwh"], d["relay"]) == (0, "open")  # one odd reading: no month
    assert d["meter_now"].startswith("2024-03-20")
    d = sim_json(state, "run", "--hours", "0.2", "--load-w", "0", now="2024-03-20 15:00")
    assert (d["subsidy_kwh"], d["relay"]) == (1.0, "closed")  # it held ten minutes: believed
    assert d["meter_now"] == d["now"]
    d = sim_json(state, "fault", "clock-jump", "--days", "-3", now="2024-03-20 15:00")
    assert d["faults"]["Hora hacia atrás"] == 1 and d["clock"] == "needs_setting"
    assert d["meter_now"] > d["now"]  # never back past the last save


def test_phantom_pulses_take_nothing_from_the_customer(tmp_path):
    state = charged(tmp_path)
    d = sim_json(state, "fault", "phantom-pulses", "--count", "500")
    assert (d["credit_kwh"], d["energy_kwh"]) == (1.1, 0)
    assert d["faults"] == {"Pulso falso": 1}


def test_a_bouncing_release_types_the_key_once(tmp_path):
    state = init(tmp_path)
    sim(state, "keys", "*")
    d = sim_json(state, "fault", "bounce", "--key", "5")
    assert d["mode"] == "code" and "1 de 20 dígitos" in d["screen"]


def test_a_stuck_key_does_not_block_the_others(tmp_path):
    state = init(tmp_path)
    d = sim_json(state, "fault", "stuck", "--key", "B")
    assert d["faults"] == {"Tecla pegada": 1}
    d = sim_json(state, "keys", "*" + credit_code(10, 100) + "A")
    assert (d["last_result"], d["relay"]) == ("accepted", "closed")
    sim(state, "fault", "clear")
    d = sim_json(state, "keys", "*12B")
    assert (d["mode"], d["message"]) == ("main", "Cancelado")


def test_a_relay_that_browns_out_the_board_waits_before_closing_again(tmp_path):
    state = init(tmp_path)
    sim(state, "fault", "brownout")
    d = sim_json(state, "keys", "*" + credit_code(10, 100) + "A")
    assert d["resets"] == 3
    assert (d["relay"], d["relay_reason"]) == ("open", "wait")
    assert "En espera" in "\n".join(d["screen"])
    assert d["credit_kwh"] == 1.0
    sim(state, "fault", "clear")
    d = sim_json(state, "run", "--hours", "0.05", "--load-w", "0")
    assert d["relay"] == "closed"


def test_reset_boots_the_meter_again_and_ram_is_lost(tmp_path):
    state = charged(tmp_path)
    d = sim_json(state, "reset")
    assert d["message"] == "" and d["credit_kwh"] == 1.1 and d["relay"] == "closed"


def test_fault_arguments_are_checked(tmp_path):
    state = init(tmp_path)
    for args in (("fault", "lightning"), ("fault", "clock-jump", "--days", "x"), ("fault", "stuck", "--key", "X")):
        r = sim(state, *args)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
