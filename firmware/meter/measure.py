"""Measurements: battery voltage, inverter output RMS voltage, energy pulses.

Usage::

    from meter.measure import Battery, Inverter, PulseEnergy
    bat = Battery(adc_bat, ratio=(110, 10))      # 100k/10k divider
    bat.read_mv()                                # e.g. 25600
    inv = Inverter(adc_inv, uv_per_count=3125)   # after calibration
    inv.read_mv()                                # RMS over whole 60 Hz cycles
    energy = PulseEnergy(pin, imp_per_kwh=1000, max_w=12000)  # S0 output of an energy meter
    energy.wh(), energy.power_w(), energy.phantom       # phantom: pulses refused
    inv = SpreadInverter(adc_inv, uv_per_count=3125)    # the board's loop calls inv.step()
    inv.step(); inv.read_mv()                           # one 60 Hz cycle per step; the last window

The ADCs are any object with read_u16() (and read_uv() on the ESP32, which
applies the chip's factory calibration). Time functions can be passed in so
tests drive a fake clock.
"""

try:
    import time

    _ticks_us = time.ticks_us
    _ticks_ms = time.ticks_ms
    _ticks_diff = time.ticks_diff
except AttributeError:  # CPython: the same with perf_counter

    def _ticks_us():
        return int(time.perf_counter() * 1000000)

    def _ticks_ms():
        return int(time.perf_counter() * 1000)

    def _ticks_diff(a, b):
        return a - b


class Battery:
    """Battery bank voltage through a resistor divider: V = V_pin * num / den * trim."""

    def __init__(self, adc, ratio=(110, 10), trim_ppm=1000000, samples=16, vref_uv=3300000):
        self.adc = adc
        self.num, self.den = ratio
        self.trim_ppm = trim_ppm
        self.samples = samples
        self.vref_uv = vref_uv

    def pin_uv(self):
        read_uv = getattr(self.adc, "read_uv", None)
        total = 0
        for _ in range(self.samples):
            total += read_uv() if read_uv else self.adc.read_u16() * self.vref_uv // 65535
        return total // self.samples

    def read_mv(self):
        return self.pin_uv() * self.num // self.den * self.trim_ppm // 1000000 // 1000

    def calibrate(self, true_mv):
        """Trim so that the present reading equals a voltmeter's true_mv."""
        self.trim_ppm = 1000000
        raw = self.read_mv()
        if raw > 0:
            self.trim_ppm = true_mv * 1000000 // raw
        return self.trim_ppm


class Inverter:
    """RMS of the inverter output from ADC samples spread over whole 60 Hz cycles.

    The AC comes through a transformer and a divider biased at mid-scale; the
    bias is removed as the mean of the window, which spans whole cycles so
    that the mean holds no AC part.
    """

    def __init__(self, adc, uv_per_count, hz=60, cycles=6, per_cycle=32, ticks_us=None, ticks_diff=None):
        self.adc = adc
        self.uv_per_count = uv_per_count
        self.hz = hz
        self.cycles = cycles
        self.per_cycle = per_cycle
        self.ticks_us = ticks_us or _ticks_us
        self.ticks_diff = ticks_diff or _ticks_diff

    def sample(self):
        n = self.cycles * self.per_cycle
        rate = self.hz * self.per_cycle
        out = []
        t0 = self.ticks_us()
        read = self.adc.read_u16
        for i in range(n):
            due = t0 + i * 1000000 // rate
            while self.ticks_diff(self.ticks_us(), due) < 0:
                pass
            out.append(read())
        return out

    def read_mv(self):
        return rms_mv(self.sample(), self.uv_per_count)

    def calibrate(self, true_mv):
        """Set the scale from a known RMS voltage present at the input."""
        counts = rms_counts(self.sample())
        if counts > 0:
            self.uv_per_count = true_mv * 1000 // counts
        return self.uv_per_count


class SpreadInverter(Inverter):
    """The same RMS, sampled one whole 60 Hz cycle per step() (about 17 ms), so that the main
    loop scans the keypad between two cycles; read_mv() gives the last complete window
    (`cycles` steps) without waiting, None before the first."""

    def __init__(self, adc, uv_per_count, **kw):
        Inverter.__init__(self, adc, uv_per_count, **kw)
        self.last_mv = None
        self._reset()

    def _reset(self):
        self._n = self._s = self._sq = self._steps = 0

    def step(self):
        rate = self.hz * self.per_cycle
        read = self.adc.read_u16
        t0 = self.ticks_us()
        s = sq = 0
        for i in range(self.per_cycle):
            due = t0 + i * 1000000 // rate
            while self.ticks_diff(self.ticks_us(), due) < 0:
                pass
            x = read()
            s += x
            sq += x * x
        self._n += self.per_cycle
        self._s += s
        self._sq += sq
        self._steps += 1
        if self._steps >= self.cycles:
            n = self._n
            var = (self._sq - self._s * self._s / n) / n
            counts = var**0.5 if var > 0 else 0
            self.last_mv = int(counts * self.uv_per_count / 1000 + 0.5)
            self._reset()

    def read_mv(self):
        return self.last_mv


def rms_counts(samples):
    n = len(samples)
    if not n:
        return 0
    s = 0
    sq = 0
    for x in samples:
        s += x
        sq += x * x
    var = (sq - s * s / n) / n
    return var**0.5 if var > 0 else 0


def rms_mv(samples, uv_per_count):
    return int(rms_counts(samples) * uv_per_count / 1000 + 0.5)


class PulseEnergy:
    """Counts the pulses of an energy meter's S0 output (imp_per_kwh per kWh).

    A pulse counts only when the pin still reads its active level (`active`, 0 for a falling
    edge on an open collector with a pull-up) when the interrupt runs, and only when it comes
    at least the time of one pulse at max_w after the last one counted; the others are
    counted in `phantom` (each would take 1 Wh from the customer).
    """

    def __init__(self, pin, imp_per_kwh=1000, trigger=None, ticks_ms=None, ticks_diff=None, max_w=12000, active=0):
        self.imp = imp_per_kwh
        self.count = 0
        self.phantom = 0
        self.last = None
        self.interval = None
        self.pin = pin
        self.active = active
        self.min_ms = 3600000000 // (imp_per_kwh * max_w) if max_w else 0
        self.ticks_ms = ticks_ms or _ticks_ms
        self.ticks_diff = ticks_diff or _ticks_diff
        if pin is not None:
            if trigger is None:
                pin.irq(handler=self.pulse)
            else:
                pin.irq(handler=self.pulse, trigger=trigger)

    def pulse(self, _pin=None):
        if self.pin is not None and self.pin.value() != self.active:
            self.phantom += 1  # the level does not confirm it: a glitch
            return
        now = self.ticks_ms()
        if self.last is not None:
            dt = self.ticks_diff(now, self.last)
            if dt < self.min_ms:
                self.phantom += 1  # faster than the supply can deliver
                return
            self.interval = dt
        self.last = now
        self.count += 1

    def wh(self):
        return self.count * 1000 // self.imp

    def power_w(self):
        """From the time between the last two pulses; falls as the wait for the next grows."""
        if self.interval is None or self.interval <= 0:
            return 0
        ms = max(self.interval, self.ticks_diff(self.ticks_ms(), self.last))
        return 3600000000 // (self.imp * ms)
