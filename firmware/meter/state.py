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
    ("password", "1234"),
    ("battery_cut", 0),  # 1: open the relay on a low battery
    ("battery_low", 0),  # hysteresis latch of the battery cut
    # management code settings (class 2)
    ("max_power_w", 0),  # 0: no limit
    ("tariff", 0),
    ("unbalance_w", 0),
    ("water_factor", 0),
)


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

    @classmethod
    def from_bytes(cls, blob):
        d = json.loads(blob)
        known = {}
        for name, _ in _FIELDS:
            if name in d:
                known[name] = d[name]
        return cls(**known)

    def key_bytes(self):
        return bytes.fromhex(self.key) if self.key else None
