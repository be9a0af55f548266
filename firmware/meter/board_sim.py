"""The simulated board for the host: clock, energy meter, ADC readings, text panel.

Usage::

    from meter.board_sim import SimClock, SimEnergy, Fixed, TextPanel
    clock = SimClock(start_s)
    energy = SimEnergy()
    energy.advance(60, load_w=500, closed=True)   # one minute of a 500 W load
    panel = TextPanel(); panel.show(lines); print(panel.text())

Plain Python that also runs on MicroPython, so the tests use it on both.
"""


class SimClock:
    """A real-time clock (seconds since 2000-01-01 UTC) and the board's tick clock, moved together by hand.

    advance(s) moves both; a fault moves or spoils the RTC alone: jump(s), fail (OSError, as an
    I2C bus that does not answer), garbage (registers that are not a time: ValueError), lost
    (the oscillator-stop flag). set(t) is the administrator setting the RTC.
    """

    def __init__(self, start, ms=0):
        self.t = start
        self.ms = ms
        self.fail = 0  # reads still to fail; -1: until cleared
        self.garbage = False
        self.lost = False

    def __call__(self):
        if self.fail:
            if self.fail > 0:
                self.fail -= 1
            raise OSError(19)  # ENODEV
        if self.garbage:
            raise ValueError("not a time")
        return self.t

    def lost_power(self):
        return self.lost

    def set(self, t):
        self.t = t
        self.lost = False
        self.garbage = False

    def ticks_ms(self):
        return self.ms

    @staticmethod
    def ticks_diff(a, b):
        return a - b  # the simulated ticks do not wrap

    def advance(self, seconds):
        self.t += seconds
        self.ms += seconds * 1000

    def jump(self, seconds):
        self.t += seconds


class SimEnergy:
    """An energy meter on the relay's output: counts only while the relay is closed."""

    def __init__(self, ws=0):
        self.ws = ws  # watt-seconds
        self.load_w = 0
        self.phantom = 0  # pulses refused (see measure.PulseEnergy)
        self.fail = 0  # reads still to raise MemoryError (a fault injected by a test)

    def advance(self, seconds, load_w, closed):
        self.load_w = load_w
        if closed:
            self.ws += load_w * seconds

    def wh(self):
        if self.fail:
            self.fail -= 1
            raise MemoryError("memory allocation failed")
        return int(self.ws // 3600)

    def power_w(self):
        return int(self.load_w)


class Fixed:
    """An ADC reading that is whatever the test or the simulator says (mV)."""

    def __init__(self, mv):
        self.mv = mv

    def read_mv(self):
        return self.mv


class TextPanel:
    """The screen as text: the lines in a box."""

    def __init__(self):
        self.lines = []
        self.shown = 0

    def show(self, lines):
        self.lines = list(lines)
        self.shown += 1

    def text(self, width=20):
        edge = "+" + "-" * width + "+"
        out = [edge]
        for line in self.lines:
            out.append("|" + line + " " * (width - len(line)) + "|")
        out.append(edge)
        return "\n".join(out)
