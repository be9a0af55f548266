"""Meter-side rules of a typed code: TID memory, key expiry, key change, registers.

Usage::

    from meter.decoder import Decoder
    d = Decoder(state)
    result, info = d.enter("23716100501183194197")
    # result: "accepted", "used", "old", "invalid" or "expired"
    # info: what happened, for the message: ("credit", wh), ("kct", 1), ...

Only "accepted" changes the state (the caller saves it). A wrong CRC means a
mistyped code or another meter's code: nothing changes.
"""

from meter import registers, token
from meter.sta import Sta
from meter.state import TID_MEMORY

ACCEPTED = "accepted"
USED = "used"
OLD = "old"
INVALID = "invalid"
EXPIRED = "expired"


class Decoder:
    def __init__(self, state):
        self.state = state
        self._sta = None
        self._key = None

    def sta(self):
        if self._key != self.state.key:
            self._key = self.state.key
            self._sta = Sta(self.state.key_bytes())
        return self._sta

    def warm(self):
        """Build the decryption tables now (at boot), not at the first code typed."""
        if self.state.key:
            self.sta()._t.dec()

    def check_tid(self, tid):
        s = self.state
        tids = s.tids
        if tid in tids:
            return USED
        if len(tids) >= TID_MEMORY and tid < tids[0]:
            return OLD
        if s.ken != 255 and (tid >> 16) > s.ken:
            return EXPIRED
        return None

    def remember(self, tid):
        tids = self.state.tids
        i = 0
        while i < len(tids) and tids[i] < tid:
            i += 1
        tids.insert(i, tid)
        while len(tids) > TID_MEMORY:
            tids.pop(0)

    def enter(self, code):
        s = self.state
        if not s.key:
            return INVALID, ("no_key",)
        t = token.decode(code, self.sta())
        if t is None:
            return INVALID, ("crc",)
        if t.cls == token.CLASS_TEST:
            return ACCEPTED, ("test", t.sub)
        if t.cls == token.CLASS_CREDIT and t.sub != token.SUB_ELECTRICITY:
            return INVALID, ("service", t.sub)
        if t.cls > token.CLASS_MANAGEMENT:
            return INVALID, ("class", t.cls)
        if t.has_tid:
            bad = self.check_tid(t.tid)
            if bad:
                return bad, ("tid", t.tid)
        if t.cls == token.CLASS_CREDIT:
            wh = t.value * 100
            self.remember(t.tid)
            back = registers.recharge(s, wh)
            return ACCEPTED, ("credit", wh, back, t.tid)
        return self._management(t)

    def _management(self, t):
        s = self.state
        sub = t.sub
        if sub == token.SUB_KCT1:
            s.kct1 = [t.kct_high, t.kct_ken_nibble, t.kct_krn, t.kct_ro, t.kct_kt]
            return ACCEPTED, self._install() or ("kct", 1)
        if sub == token.SUB_KCT2:
            s.kct2 = [t.kct_high, t.kct_ken_nibble, t.kct_ti]
            return ACCEPTED, self._install() or ("kct", 2)
        self.remember(t.tid)
        if sub == token.SUB_CLEAR_CREDIT:
            if t.field in (0, 0xFFFF):
                s.credit_wh = 0
            return ACCEPTED, ("clear_credit", t.field)
        if sub == token.SUB_MAX_POWER:
            s.max_power_w = t.value
            return ACCEPTED, ("max_power", s.max_power_w)
        if sub == token.SUB_TARIFF:
            s.tariff = t.value
        elif sub == token.SUB_UNBALANCE:
            s.unbalance_w = t.value
        elif sub == token.SUB_WATER_FACTOR:
            s.water_factor = t.value
        # clear tamper (5): this meter has no tamper flag to clear
        return ACCEPTED, ("setting", sub, t.field)

    def _install(self):
        s = self.state
        if not (s.kct1 and s.kct2):
            return None
        high, ken_hi, krn, ro, kt = s.kct1
        low, ken_lo, ti = s.kct2
        s.key = "%08x%08x" % (high, low)
        s.krn, s.kt, s.ti = krn, kt, ti
        s.ken = ken_hi << 4 | ken_lo
        if ro:
            s.tids = []
        s.kct1 = s.kct2 = None
        return ("key_changed", krn, ro)
