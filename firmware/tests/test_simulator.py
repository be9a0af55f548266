import json

from fakehw import DK, LOGIN, OTHER_DK, credit_code, tid_at
from simhelp import sim, sim_json

HOST_ONLY = True

DRN = "47500150231"


def init(tmp_path, *extra):
    state = tmp_path / "meter.bin"
    r = sim(state, "init", "--decoder-key", DK, "--drn", DRN, *extra)
    assert r.returncode == 0, r.stderr
    return state


def test_init_prints_the_screen_of_a_meter_without_credit(tmp_path):
    state = tmp_path / "meter.bin"
    r = sim(state, "init", "--decoder-key", DK, "--drn", DRN, "--entity", "Cooperativa Solar")
    assert r.returncode == 0
    assert "Cooperativa Solar" in r.stdout
    assert "Relé         Abierto" in r.stdout
    assert state.stat().st_size == 4096


def test_worked_vector_code_is_accepted_then_used(tmp_path):
    state = init(tmp_path)
    d = sim_json(state, "keys", "*23716100501183194197A")
    assert (d["credit_kwh"], d["relay"], d["last_result"], d["tid_memory"]) == (0.1, "closed", "accepted", [0x599863])
    d = sim_json(state, "keys", "*2371 6100 5011 8319 4197 A")
    assert (d["credit_kwh"], d["last_result"]) == (0.1, "used")
    assert "Código ya usado" in d["screen"]


def test_show_prints_the_screen_or_json(tmp_path):
    state = init(tmp_path)
    sim(state, "keys", "*" + credit_code(25, 100) + "A")
    r = sim(state, "show")
    assert "2,50 kWh" in r.stdout and r.stdout.startswith("+---")
    d = json.loads(sim(state, "show", "--json").stdout)
    for field in ("credit_kwh", "subsidy_kwh", "emergency_kwh", "relay", "last_result", "tid_memory"):
        assert field in d
    assert d["last_result"] == "accepted"


def test_keys_can_be_split_over_several_commands(tmp_path):
    state = init(tmp_path)
    code = credit_code(10, 7)
    sim(state, "keys", "*" + code[:10])
    d = sim_json(state, "keys", code[10:] + "A")
    assert d["last_result"] == "accepted"


def test_run_uses_energy_and_opens_the_relay_when_it_runs_out(tmp_path):
    state = init(tmp_path)
    sim(state, "keys", "*" + credit_code(10, 100) + "A")  # 1 kWh
    d = sim_json(state, "run", "--hours", "2", "--load-w", "300")
    assert d["credit_kwh"] == 0.4 and d["relay"] == "closed"
    d = sim_json(state, "run", "--hours", "3", "--load-w", "300")
    assert d["credit_kwh"] == 0 and d["relay"] == "open"
    assert d["energy_kwh"] == 1.0
    d = sim_json(state, "keys", "*" + credit_code(5, 101) + "A")
    assert d["relay"] == "closed"


def test_run_moves_the_clock_on(tmp_path):
    state = init(tmp_path)
    d = sim_json(state, "run", "--hours", "5", "--load-w", "0")
    assert d["now"] == "2024-03-10 20:00 UTC"


def test_subsidy_comes_back_with_the_month_in_the_simulator(tmp_path):
    state = tmp_path / "meter.bin"
    r = sim(state, "init", "--decoder-key", DK, "--drn", DRN, now="2024-03-31 12:00")
    assert r.returncode == 0
    sim(state, "keys", LOGIN + "DDDD1A" + "DA", now="2024-03-31 12:00")
    d = sim_json(state, "run", "--hours", "4", "--load-w", "500", now="2024-03-31 12:00")
    assert (d["subsidy_kwh"], d["relay"]) == (0, "open")
    d = sim_json(state, "run", "--hours", "14", "--load-w", "0", now="2024-03-31 12:00")
    assert (d["subsidy_kwh"], d["relay"]) == (1.0, "closed")


def test_three_wrong_codes_lock_the_simulated_keypad(tmp_path):
    state = init(tmp_path)
    wrong = "*" + credit_code(10, 1, key=OTHER_DK) + "A"
    d = sim_json(state, "keys", wrong * 3 + "*")
    assert d["last_result"] == "locked" and d["locked_s"] == 10
    d = sim_json(state, "keys", "*" + credit_code(10, 2) + "A", now="2024-03-10 15:00:10")
    assert d["last_result"] == "accepted"


def test_now_can_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("AOM_SIM_NOW", "2030-01-02 03:04")
    state = tmp_path / "meter.bin"
    r = sim(state, "--json", "init", "--decoder-key", DK, "--drn", DRN, now=None)
    assert json.loads(r.stdout)["now"] == "2030-01-02 03:04 UTC"


def test_init_takes_the_key_parameters(tmp_path):
    state = init(tmp_path, "--ken", str(tid_at(2004, 1, 1) >> 16), "--base-date", "2014", "--krn", "2", "--ti", "7")
    d = sim_json(state, "keys", "*23716100501183194197A")
    assert d["last_result"] == "expired"
    r = sim(state, "keys", "D")
    assert "2/2/07" in r.stdout and "2014" in r.stdout


def test_interactive_mode_reads_keys_line_by_line(tmp_path):
    state = init(tmp_path)
    r = sim(state, stdin="*23716100501183194197A\n:run 1 50\n:q\n")
    assert r.returncode == 0
    assert "Código aceptado" in r.stdout
    assert "Potencia        50 W" in r.stdout


def test_bad_arguments_give_one_line_and_exit_2(tmp_path):
    state = tmp_path / "meter.bin"
    bad = (
        ("init", "--decoder-key", "xyz", "--drn", DRN),
        ("init", "--decoder-key", DK, "--drn", "47500150232"),
        ("init", "--decoder-key", DK, "--drn", DRN, "--krn", "12"),
        ("init", "--decoder-key", DK, "--drn", DRN, "--base-date", "2000"),
        ("init", "--decoder-key", DK),
        ("init", "--decoder-key", DK, "--drn", DRN, "--entity", "x" * 41),
        ("frobnicate",),
    )
    for args in bad:
        r = sim(state, *args)
        assert r.returncode == 2, args
        assert r.stdout == ""
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "Traceback" not in r.stderr
    init(tmp_path)
    for args in (("keys", "*12X"), ("run", "--hours", "-1", "--load-w", "5"), ("run", "--hours", "1")):
        r = sim(state, *args)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
    r = sim(state, "show", now="yesterday")
    assert r.returncode == 2 and "--now" in r.stderr


def test_a_missing_or_foreign_state_file_is_refused(tmp_path):
    r = sim(tmp_path / "none.bin", "show")
    assert r.returncode == 2 and "run 'init' first" in r.stderr
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    r = sim(other, "show")
    assert r.returncode == 2 and "not a meter flash image" in r.stderr
    assert other.read_text() == "hello"


def test_battery_cut_opens_the_relay_below_22_volts_and_closes_above_24(tmp_path):
    state = init(tmp_path, "--battery-cut")
    sim(state, "keys", "*" + credit_code(100, 100) + "A")
    d = sim_json(state, "run", "--hours", "1", "--load-w", "100", "--battery-v", "21.5")
    assert d["relay"] == "open" and d["credit_kwh"] == 10.0
    d = sim_json(state, "run", "--hours", "1", "--load-w", "100", "--battery-v", "23.0")
    assert d["relay"] == "open"
    d = sim_json(state, "run", "--hours", "1", "--load-w", "100", "--battery-v", "24.2")
    assert d["relay"] == "closed" and d["credit_kwh"] == 9.9
    assert "Batería       24,2 V" in d["screen"]
