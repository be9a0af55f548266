import math

from meter.measure import Battery, Inverter, PulseEnergy, rms_mv


class ConstADC:
    def __init__(self, uv):
        self.uv = uv

    def read_uv(self):
        return self.uv


class U16ADC:
    def __init__(self, value):
        self.value = value

    def read_u16(self):
        return self.value


class FakeTicks:
    """A microsecond clock that moves on each time it is read."""

    def __init__(self, step=7):
        self.t = 1000
        self.step = step

    def __call__(self):
        self.t += self.step
        return self.t


class SineADC:
    """Inverter output through a transformer, biased at mid-scale, read at the fake clock's time."""

    def __init__(self, ticks, vrms, uv_per_count, hz=60.0, phase=0.3):
        self.ticks = ticks
        self.amp = vrms * 1000000 * math.sqrt(2) / uv_per_count  # counts
        self.hz = hz
        self.phase = phase

    def read_u16(self):
        t = self.ticks.t / 1000000
        return int(32768 + self.amp * math.sin(2 * math.pi * self.hz * t + self.phase) + 0.5)


def test_battery_voltage_through_the_divider():
    # 25.6 V across 100k/10k gives 2.327 V at the pin
    assert Battery(ConstADC(2327273), ratio=(110, 10)).read_mv() == 25600


def test_battery_reading_from_read_u16_when_no_calibrated_reading():
    assert Battery(U16ADC(65535), ratio=(110, 10), vref_uv=3300000).read_mv() == 36300


def test_battery_calibration_against_a_voltmeter():
    b = Battery(ConstADC(2300000), ratio=(110, 10))
    assert b.read_mv() == 25300
    b.calibrate(25550)
    assert abs(b.read_mv() - 25550) <= 1


def test_inverter_rms_is_within_one_percent_over_the_range():
    for volts in (10, 60, 120, 130):
        ticks = FakeTicks()
        adc = SineADC(ticks, volts, uv_per_count=3500)
        inv = Inverter(adc, uv_per_count=3500, ticks_us=ticks, ticks_diff=lambda a, b: a - b)
        mv = inv.read_mv()
        assert abs(mv - volts * 1000) < volts * 10, (volts, mv)


def test_inverter_samples_span_whole_cycles():
    ticks = FakeTicks(step=3)
    seen = []

    class Recorder:
        def read_u16(self):
            seen.append(ticks.t)
            return 0

    inv = Inverter(Recorder(), 1000, hz=60, cycles=6, per_cycle=32, ticks_us=ticks, ticks_diff=lambda a, b: a - b)
    inv.sample()
    assert len(seen) == 6 * 32
    span = seen[-1] - seen[0]
    period = 1000000 / 60 / 32
    assert abs(span + period - 100000) < 10  # 6 cycles of 60 Hz = 100 ms


def test_no_ac_reads_zero():
    assert rms_mv([32768] * 192, 3500) == 0


def test_inverter_calibration_from_a_known_voltage():
    ticks = FakeTicks()
    inv = Inverter(SineADC(ticks, 120, 4000), 1, ticks_us=ticks, ticks_diff=lambda a, b: a - b)
    inv.calibrate(120000)
    assert abs(inv.read_mv() - 120000) < 1200


class IrqPin:
    """An input with an interrupt; `level` is what the pin reads when the handler runs."""

    level = 0

    def irq(self, handler=None, trigger=None):
        self.handler = handler

    def value(self):
        return self.level


def test_energy_pulses_count_watt_hours():
    pin = IrqPin()
    clock = [0]
    e = PulseEnergy(pin, imp_per_kwh=1000, ticks_ms=lambda: clock[0], ticks_diff=lambda a, b: a - b)
    for _ in range(2500):
        pin.handler(pin)
        clock[0] += 3600  # one Wh every 3.6 s = 1000 W
    assert e.wh() == 2500
    clock[0] -= 3600
    assert e.power_w() == 1000
    clock[0] += 36000  # no pulse for 36 s: at most 100 W
    assert e.power_w() == 100


def test_an_interrupt_the_pin_level_does_not_confirm_is_not_counted():
    pin = IrqPin()
    clock = [0]
    e = PulseEnergy(pin, ticks_ms=lambda: clock[0], ticks_diff=lambda a, b: a - b)
    pin.level = 1  # the ADC errata: an interrupt while the pin is high
    for _ in range(100):
        pin.handler(pin)
        clock[0] += 5000
    assert e.count == 0 and e.phantom == 100
    pin.level = 0
    pin.handler(pin)
    assert e.count == 1


def test_pulses_faster_than_the_maximum_power_are_not_counted():
    pin = IrqPin()
    clock = [0]
    e = PulseEnergy(pin, imp_per_kwh=1000, max_w=12000, ticks_ms=lambda: clock[0], ticks_diff=lambda a, b: a - b)
    assert e.min_ms == 300  # 12 kW at 1000 imp/kWh: a pulse every 300 ms at most
    for _ in range(10):
        pin.handler(pin)
        clock[0] += 100  # a burst: ten in a second
    assert e.count == 4 and e.phantom == 6
    clock[0] += 300
    pin.handler(pin)
    assert e.count == 5


def test_the_spread_inverter_gives_the_rms_of_whole_cycles_one_cycle_per_step():
    from meter.measure import SpreadInverter

    ticks = FakeTicks()
    inv = SpreadInverter(SineADC(ticks, 120, 3500), 3500, ticks_us=ticks)
    assert inv.read_mv() is None
    for _ in range(inv.cycles - 1):
        inv.step()
    assert inv.read_mv() is None
    inv.step()
    assert abs(inv.read_mv() - 120000) < 1200
