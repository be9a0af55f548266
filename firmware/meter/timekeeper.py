"""The meter's time: the real-time clock, checked against the board's tick clock and the last saved time.

Usage::

    from meter.timekeeper import TimeKeeper
    tk = TimeKeeper(rtc, ticks_ms, report=faults.note)
    tk.start(floor)        # at boot: floor = the time of the last save
    tk.read()              # once a second: read the RTC, decide whether to believe it
    tk.now()               # the trusted time (seconds since 2000 UTC), cheap: no I2C
    tk.needs_setting       # True: the screen asks for the clock to be set (admin HORA)
    tk.set(seconds)        # the administrator sets the clock

Rules (README "Fault policy"):
- the RTC is not believed when it cannot be read (I2C), when its lost-power flag is set, when
  its time is outside 2024-2099 (an all-0xFF read is), or when it is before the last saved time:
  time then runs on the tick clock from the last time believed (at boot: the last saved time);
- a reading more than TOLERANCE_S away from the tick clock's expectation is a jump, believed
  only when the same offset persists for PERSIST_S of tick time (at boot: a reading more than
  MAX_OFF_S after the last save is such a jump);
- the trusted time never moves backwards.
"""

from meter import dates
from meter.faults import CLOCK_BACK, CLOCK_JUMP, CLOCK_LOST, CLOCK_RANGE, I2C

try:
    from micropython import const
except ImportError:

    def const(x):
        return x


EARLIEST = dates.seconds(2024, 1, 1)
LATEST = dates.seconds(2100, 1, 1)
TOLERANCE_S = const(120)  # drift between two readings believed without question
PERSIST_S = const(600)  # a jump is believed after ten minutes of the same offset
MAX_OFF_S = const(90 * 86400)  # at boot, a reading up to 90 days after the last save is believed


class TimeKeeper:
    def __init__(self, rtc, ticks_ms, ticks_diff=None, report=None):
        self.rtc = rtc
        self.ticks_ms = ticks_ms
        self.ticks_diff = ticks_diff or (lambda a, b: a - b)
        self.report = report or (lambda code: None)
        self.floor = 0
        self.base_t = EARLIEST  # trusted time at the anchor ...
        self.base_ms = 0  # ... and the tick count then
        self.last = 0  # the latest time returned: never less
        self.cand = None  # offset of a jump not believed yet
        self.cand_ms = 0
        self.needs_setting = False
        self.problem = None  # the last fault code of the clock, None when fine

    # --- the trusted time --------------------------------------------------
    def now(self):
        # the anchor moves on with whole seconds, so that tick differences stay small (the
        # board's ticks_ms wraps every 12 days) and no fraction of a second is lost
        ms = self.ticks_ms()
        d = self.ticks_diff(ms, self.base_ms)
        if d >= 1000:
            k = d // 1000
            self.base_t += k
            self.base_ms = ms - (d - k * 1000)
        t = self.base_t
        if t < self.last:
            t = self.last
        self.last = t
        return t

    def _anchor(self, t, ms):
        if t < self.last:
            t = self.last
        if t < self.floor:
            t = self.floor
        self.base_t = t
        self.base_ms = ms
        self.last = t

    def _bad(self, code, setting=True):
        self.problem = code
        if setting:
            self.needs_setting = True
        self.report(code)

    # --- reading the RTC ---------------------------------------------------
    def _raw(self):
        """(seconds, lost-power flag) or None when the RTC does not answer."""
        try:
            r = self.rtc()
            lost = self.rtc.lost_power() if hasattr(self.rtc, "lost_power") else False
        except (OSError, ValueError) as e:
            # ValueError: registers that are not a time (e.g. all 0xFF)
            return CLOCK_RANGE if isinstance(e, ValueError) else I2C
        return r, lost

    def start(self, floor):
        """At boot: the last saved time is the floor; believe the RTC if it is sane."""
        self.floor = floor
        self.last = 0
        self.cand = None
        self.needs_setting = False
        ms = self.ticks_ms()
        self._anchor(max(floor, EARLIEST) if floor else EARLIEST, ms)
        raw = self._raw()
        if not isinstance(raw, tuple):
            self._bad(raw, raw != I2C)
            return self.now()
        r, lost = raw
        if self._check(r, lost):
            if not floor or r <= floor + MAX_OFF_S:
                self._anchor(r, ms)
                self.problem = None
            else:
                self.cand, self.cand_ms = r - self.base_t, ms
                self._bad(CLOCK_JUMP, False)
        return self.now()

    def _check(self, r, lost):
        if lost:
            self._bad(CLOCK_LOST)
        elif not EARLIEST <= r < LATEST:
            self._bad(CLOCK_RANGE)
        elif self.floor and r < self.floor:
            self._bad(CLOCK_BACK)
        else:
            return True
        return False

    def read(self):
        """Read the RTC and believe it or not; returns the trusted time."""
        ms = self.ticks_ms()
        expected = self.now()
        raw = self._raw()
        if not isinstance(raw, tuple):
            self._bad(raw, raw != I2C)
            return expected
        r, lost = raw
        if not self._check(r, lost):
            return expected
        off = r - expected
        if -TOLERANCE_S <= off <= TOLERANCE_S:
            self._anchor(r, ms)
            self.cand = None
            self.problem = None
            self.needs_setting = False
        elif self.cand is not None and -TOLERANCE_S <= off - self.cand <= TOLERANCE_S:
            if self.ticks_diff(ms, self.cand_ms) >= PERSIST_S * 1000:
                self._anchor(r, ms)  # a new time that held: believed
                self.cand = None
                self.problem = None
                self.needs_setting = False
            else:
                self.cand = off
        else:
            self.cand, self.cand_ms = off, ms
            self._bad(CLOCK_JUMP, False)
        return self.now()

    def set(self, t):
        """The administrator's time: written to the RTC (clears its lost-power flag), believed at once."""
        if hasattr(self.rtc, "set"):
            self.rtc.set(t)
        self.last = 0
        self.floor = t
        self.base_t, self.base_ms = t, self.ticks_ms()
        self.cand = None
        self.problem = None
        self.needs_setting = False

    def ram(self):
        return [self.base_t, self.base_ms, self.last, self.cand, self.cand_ms, self.needs_setting, self.problem]

    def restore(self, d):
        self.base_t, self.base_ms, self.last, self.cand, self.cand_ms, self.needs_setting, self.problem = d
