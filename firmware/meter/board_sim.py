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
    """Seconds since 2000-01-01 UTC, moved by hand."""

    def __init__(self, start):
        self.t = start

    def __call__(self):
        return self.t

    def advance(self, seconds):
        self.t += seconds


class SimEnergy:
    """An energy meter on the relay's output: counts only while the relay is closed."""

    def __init__(self, ws=0):
        self.ws = ws  # watt-seconds
        self.load_w = 0

    def advance(self, seconds, load_w, closed):
        self.load_w = load_w
        if closed:
            self.ws += load_w * seconds

    def wh(self):
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
