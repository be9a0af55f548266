"""Everything the meter keeps across a power cut, in one object.

Usage::

    from meter.state import State
    s = State()
    s.credit_wh += 100
    blob = s.to_bytes()            # what storage.Store writes
    s2 = State.from_bytes(blob)

Energy registers are integers in Wh (a code's 0.1 kWh step is 100 Wh), so no
float ever touches credit. Times are seconds since 2000-01-01 UTC.
"""

import json

TID_MEMORY = 32  # TOKENS.md asks for at least 20

_FIELDS = (
    # identity and key
    ("key", ""),  # decoder key, 16 hex digits; "" = not initialised
    ("kt", 2),
    ("krn", 1),
    ("ti", 1),
    ("ken", 255),
    ("base_date", 1993),
    ("drn", ""),
    ("entity", "AOM"),
    # token memory
    ("tids", None),  # accepted TIDs, ascending
    ("kct1", None),  # pending key change part 1: [high32, ken_hi, krn, ro, kt]
    ("kct2", None),  # pending key change part 2: [low32, ken_lo, ti]
    # registers, Wh
    ("credit_wh", 0),  # purchased
    ("subsidy_wh", 0),  # monthly allowance (SUBSIDIO)
    ("subsidy_used_wh", 0),  # drawn this month
    ("subsidy_month", 0),  # year*12 + month-1 of the month subsidy_used_wh counts
    ("emergency_wh", 0),  # emergency credit limit (CREDITO)
    ("emergency_used_wh", 0),  # lent, to be taken back at the next recharge
    ("energy_wh", 0),  # total energy used
    # brute force
    ("misses", 0),
    ("lock_until", 0),
    # administration
    ("uid", ""),
    ("did", ""),
    ("fecha", ""),  # YYYYMMDD the meter started
    ("password", ""),  # "" = derived from the decoder key (meter/password.py); a CLAVE replaces it
    ("max_emergency_wh", 20000),  # CREDITO maximum, set at provisioning
    ("max_subsidy_wh", 200000),  # SUBSIDIO maximum, set at provisioning
    ("battery_cut", 0),  # 1: open the relay on a low battery
    ("battery_low", 0),  # hysteresis latch of the battery cut
    # management code settings (class 2)
    ("max_power_w", 0),  # 0: no limit
    ("tariff", 0),
    ("unbalance_w", 0),
    ("water_factor", 0),
    # faults (README "Fault policy")
    ("saved_at", 0),  # the trusted time of this save: the clock is never believed before it
    ("relay_trial", 0),  # 1: the relay was closed and has not yet held RELAY_STABLE_S
    ("relay_fails", 0),  # resets in a row right after a close
    ("kgen", 0),  # generation of the decoder key record this state goes with
)

# What the decoder key record holds (written only when the key changes; the rest is the state record).
KEY_FIELDS = ("key", "kt", "krn", "ti", "ken", "base_date", "drn", "kgen")


class State:
    def __init__(self, **values):
        for name, default in _FIELDS:
            setattr(self, name, values.get(name, default))
        if self.tids is None:
            self.tids = []

    def to_dict(self):
        d = {}
        for name, _ in _FIELDS:
            d[name] = getattr(self, name)
        return d

    def to_bytes(self):
        return json.dumps(self.to_dict()).encode()

    def main_bytes(self):
        """The state record: everything but the decoder key and its parameters."""
        d = self.to_dict()
        for name in KEY_FIELDS:
            if name != "kgen":
                del d[name]
        return json.dumps(d).encode()

    def key_record(self, **extra):
        d = {}
        for name in KEY_FIELDS:
            d[name] = getattr(self, name)
        for name in extra:
            d[name] = extra[name]
        return json.dumps(d).encode()

    @classmethod
    def from_bytes(cls, blob):
        d = json.loads(blob)
        known = {}
        for name, _ in _FIELDS:
            if name in d:
                known[name] = d[name]
        return cls(**known)

    @staticmethod
    def read_key_record(blob):
        """The key record's fields (and its flags: init = provisioning, ro = TID memory cleared)."""
        d = json.loads(blob)
        if "kgen" not in d:
            d["kgen"] = 0
        return d

    def key_bytes(self):
        return bytes.fromhex(self.key) if self.key else None
