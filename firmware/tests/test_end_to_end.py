"""The platform's engine (`tokens.sts`) issues codes; the simulator with that meter's key takes them.

The same path through the platform's recharge page is tests/test_end_to_end_meter.py.
"""

import datetime as dt
from decimal import Decimal

from simhelp import sim, sim_json

from tokens import sts

HOST_ONLY = True

VENDING_KEY = bytes.fromhex("abababababababab")
PAN = "600727" + "47500150231" + "2"  # IIN + DRN + Luhn digit over both
OTHER_PAN = "600727" + "47500150249" + "4"
UTC = dt.timezone.utc


def meter_key(pan):
    return sts.derive_decoder_key(VENDING_KEY, pan=pan, sgc="123456", ti="01", krn=1, kt=2)


def test_pan_fixtures_have_their_luhn_digits():
    from simulate import luhn_ok

    assert luhn_ok(PAN) and luhn_ok(OTHER_PAN)
    assert luhn_ok(PAN[6:17]) and luhn_ok(OTHER_PAN[6:17])


def test_codes_from_the_platform_work_on_the_simulated_meter(tmp_path):
    key = meter_key(PAN)
    other = meter_key(OTHER_PAN)
    state = tmp_path / "meter.bin"
    r = sim(state, "init", "--decoder-key", key.hex(), "--drn", PAN[6:17], "--ti", "1", "--krn", "1", "--kt", "2")
    assert r.returncode == 0, r.stderr

    tid = sts.tid_from_datetime(dt.datetime(2024, 3, 10, 14, 0, tzinfo=UTC), 1993)
    codes = [sts.issue_credit(key, Decimal(kwh), tid=tid + i) for i, kwh in enumerate(("1.5", "2", "0.3"))]

    d = sim_json(state, "keys", "*" + codes[0] + "A")
    assert (d["last_result"], d["credit_kwh"], d["relay"]) == ("accepted", 1.5, "closed")
    assert "+1,50 kWh" in d["screen"]

    d = sim_json(state, "keys", "*" + codes[0] + "A")
    assert (d["last_result"], d["credit_kwh"]) == ("used", 1.5)

    foreign = sts.issue_credit(other, Decimal("5"), tid=tid + 10)
    d = sim_json(state, "keys", "*" + foreign + "A")
    assert (d["last_result"], d["credit_kwh"]) == ("invalid", 1.5)

    # typed out of order, within the TID memory
    d = sim_json(state, "keys", "*" + codes[2] + "A")
    assert (d["last_result"], d["credit_kwh"]) == ("accepted", 1.8)
    d = sim_json(state, "keys", "*" + codes[1] + "A")
    assert (d["last_result"], d["credit_kwh"]) == ("accepted", 3.8)
    assert d["tid_memory"] == [tid, tid + 1, tid + 2]


def test_the_meter_and_the_engine_derive_the_same_admin_password(tmp_path):
    from meter import password

    for pan in (PAN, OTHER_PAN):
        key = meter_key(pan)
        assert password.derive(key.hex()) == sts.admin_password(key)
    for i in range(50):
        raw = bytes(((i * 37 + j * 11) & 0xFF for j in range(8)))
        assert password.derive(raw.hex()) == sts.admin_password(raw)
    key = meter_key(PAN)
    d = sim_json(tmp_path / "m.bin", "init", "--decoder-key", key.hex(), "--drn", PAN[6:17])
    assert d["admin_password"] == sts.admin_password(key)
