"""The ESP32 wiring, on a fake `machine` module: every pin of the README's map, and a working meter."""

import sys

from fakehw import DK, FakeFlash, FakeI2C, credit_code
from meter import dates, faults
from meter.storage import Memory

NOW = dates.seconds(2024, 3, 10, 15, 0, 0)


class Pin:
    OUT = 1
    IN = 2
    PULL_UP = 3
    IRQ_FALLING = 4
    made = {}

    def __init__(self, n, mode=None, pull=None, value=None):
        self.n = n
        self.mode = mode
        self.pull = pull
        self.v = 1 if value is None else value
        self.handler = None
        Pin.made[n] = self

    def value(self, v=None):
        if v is None:
            if self.mode == Pin.IN and self.n in Board.cols:
                return (
                    0
                    if Board.pressed
                    and Board.pressed_rc[1] == Board.cols.index(self.n)
                    and Pin.made[Board.rows[Board.pressed_rc[0]]].v == 0
                    else 1
                )
            return self.v
        self.v = v

    def irq(self, handler=None, trigger=None):
        self.handler = handler
        self.trigger = trigger


class Board:
    rows = (13, 14, 27, 26)
    cols = (25, 33, 32, 19)
    pressed = False
    pressed_rc = (0, 0)


class SPI:
    def __init__(self, id, baudrate=0, sck=None, mosi=None):
        self.id, self.sck, self.mosi = id, sck.n, mosi.n
        self.bytes = 0

    def write(self, b):
        self.bytes += len(b)


class I2C(FakeI2C):
    def __init__(self, id, scl=None, sda=None, freq=0):
        # the DS3231 registers for 2024-03-10 15:00:00 UTC
        FakeI2C.__init__(self, bytes((0, 0, 0x15, 7, 0x10, 0x03, 0x24)) + bytes(25))
        self.scl, self.sda = scl.n, sda.n


class ADC:
    ATTN_11DB = 3

    def __init__(self, pin, atten=None):
        self.pin = pin.n

    def read_uv(self):
        return 2327273 if self.pin == 34 else 1650000

    def read_u16(self):
        return 32768


class PWM:
    def __init__(self, pin, freq=0, duty_u16=0):
        self.pin = pin.n


class WDT:
    made = []

    def __init__(self, id=0, timeout=5000):
        self.timeout = timeout
        self.fed = 0
        WDT.made.append(self)

    def feed(self):
        self.fed += 1


class FakeMachine:
    Pin = Pin
    SPI = SPI
    I2C = I2C
    ADC = ADC
    PWM = PWM
    WDT = WDT
    WDT_RESET = 3
    PWRON_RESET = 1

    @staticmethod
    def reset_cause():
        return FakeMachine.PWRON_RESET


class FakeFramebuf:
    """CPython has no framebuf: glyphs with the character code in the top row."""

    MONO_HLSB = 0

    class FrameBuffer:
        def __init__(self, buf, w, h, fmt):
            self.buf = buf

        def fill(self, c):
            for i in range(len(self.buf)):
                self.buf[i] = c

        def text(self, s, x, y, c):
            self.buf[0] = ord(s[0])


def board_module(flash=None):
    """meter.board_esp32 imported against the fake machine (and framebuf on CPython), and its build()."""
    sys.modules["machine"] = FakeMachine
    fake_fb = "framebuf" not in sys.modules
    if fake_fb:
        try:
            import framebuf  # noqa: F401 - MicroPython: the real one
        except ImportError:
            sys.modules["framebuf"] = FakeFramebuf
    try:
        from meter import board_esp32

        return board_esp32, board_esp32.build(Memory(flash or FakeFlash()))
    finally:
        del sys.modules["machine"]
        if sys.modules.get("framebuf") is FakeFramebuf:
            del sys.modules["framebuf"]


def build(flash=None):
    return board_module(flash)[1]


def test_the_board_uses_the_pins_of_the_readme():
    Pin.made = {}
    meter, keypad = build()
    used = sorted(Pin.made)
    assert used == sorted((18, 23, 5, 2, 15, 17, 21, 22, 13, 14, 27, 26, 25, 33, 32, 19, 34, 35, 16, 4))
    assert (meter.display.lcd.spi.sck, meter.display.lcd.spi.mosi) == (18, 23)
    assert (meter.rtc.i2c.scl, meter.rtc.i2c.sda) == (22, 21)
    assert (meter.battery.adc.pin, meter.inverter.adc.pin) == (34, 35)
    assert Pin.made[16].mode == Pin.OUT and Pin.made[16].v == 0  # relay open at power-up
    assert [Pin.made[n].mode for n in (25, 33, 32, 19)] == [Pin.IN] * 4
    assert [Pin.made[n].pull for n in (25, 33, 32, 19)] == [Pin.PULL_UP] * 4
    assert Pin.made[4].trigger == Pin.IRQ_FALLING and Pin.made[4].handler is not None
    assert 36 not in Pin.made and 39 not in Pin.made  # the pins of the ADC errata


def test_the_board_runs_a_meter_with_its_clock_battery_and_display():
    Pin.made = {}
    meter, keypad = build()
    meter.setup(DK, "47500150231")
    assert meter.now() == NOW
    assert meter.battery_mv == 25600
    assert meter.inverter_mv is None  # sampled one cycle per loop step: nothing yet
    for _ in range(meter.inverter.cycles):
        meter.inverter.step()
    meter.tick()
    assert meter.inverter_mv == 0  # no AC at the fake ADC
    for k in "*" + credit_code(10, 5) + "A":
        meter.press(k)
    assert meter.last_result == "accepted"
    assert Pin.made[16].v == 1  # relay closed
    clock = [0]
    meter.energy.ticks_ms = lambda: clock[0]
    meter.energy.ticks_diff = lambda a, b: a - b
    pulses = Pin.made[4]
    for _ in range(1000):  # 1 kWh of pulses from the energy meter, at 1000 W
        pulses.v = 0  # the S0 output pulls the pin low
        pulses.handler(pulses)
        pulses.v = 1
        clock[0] += 3600
    meter.tick()
    assert meter.state.credit_wh == 0 and Pin.made[16].v == 0


def test_the_keypad_is_scanned_on_the_mapped_pins():
    Pin.made = {}
    meter, keypad = build()
    Board.pressed, Board.pressed_rc = True, (3, 3)
    try:
        assert keypad.scan() == "D"
    finally:
        Board.pressed = False


class FakeTime:
    """One clock for the loop, the inverter's sampling and the keypad: microseconds, moved by reads and sleeps."""

    def __init__(self):
        self.us = 0

    def ticks_us(self):
        self.us += 7  # each read of the clock takes a little time
        return self.us

    def ticks_ms(self):
        return self.us // 1000

    def sleep_ms(self, ms):
        self.us += ms * 1000


def diff(a, b):
    return a - b


def board_loop(flash=None):
    board, (meter, keypad) = board_module(flash)
    t = FakeTime()
    meter.inverter.ticks_us = t.ticks_us
    meter.inverter.ticks_diff = diff
    loop = board.Loop(meter, keypad, WDT(), ticks_ms=t.ticks_ms, ticks_diff=diff, sleep_ms=t.sleep_ms)
    return board, meter, keypad, loop, t


def test_the_loop_survives_a_clock_that_stops_answering_and_the_relay_follows_the_credit():
    Pin.made = {}
    board, meter, keypad, loop, t = board_loop()
    meter.setup(DK, "47500150231")
    for k in "*" + credit_code(11, 5) + "A":
        meter.press(k)
    assert Pin.made[16].v == 1

    def enodev(*a):
        raise OSError(19)

    meter.rtc.i2c.readfrom_mem = enodev
    meter.energy.ticks_ms = t.ticks_ms
    pulses = Pin.made[4]
    for _ in range(60):  # about two seconds of loop
        loop.step()
    for _ in range(500):  # 0.5 kWh of pulses
        pulses.v = 0
        pulses.handler(pulses)
        pulses.v = 1
        t.us += 400000
    start = t.us
    while t.us - start < 3000000:
        loop.step()
    assert Pin.made[16].v == 1  # no customer cut off by the clock
    assert meter.state.credit_wh == 600  # still metered
    assert meter.faults.counts[faults.I2C] >= 2
    assert loop.wdt.fed > 60


def test_run_starts_the_watchdog_and_feeds_it_from_the_loop():
    board, (meter, keypad) = board_module()

    class Stop(BaseException):
        pass

    steps = []

    def step(self):
        steps.append(1)
        self.feed()
        if len(steps) == 3:
            raise Stop()

    class Time:  # MicroPython's time functions, for CPython
        ticks_ms = FakeTime().ticks_ms
        ticks_diff = diff
        sleep_ms = FakeTime().sleep_ms

    WDT.made = []
    saved = board.build, board.Loop.step, board.time
    board.build = lambda store=None: (meter, keypad)
    board.Loop.step = step
    board.time = Time
    try:
        board.run()
    except Stop:
        pass
    finally:
        board.build, board.Loop.step, board.time = saved
    assert len(WDT.made) == 1 and WDT.made[0].timeout == board.WDT_MS
    assert WDT.made[0].fed == 3


def test_a_boot_that_fails_is_retried_with_the_relay_open():
    flash = FakeFlash()
    Pin.made = {}
    board, meter, keypad, loop, t = board_loop(flash)

    def broken(offset, n):
        raise OSError(5)

    flash.read = broken
    assert not loop.start(tries=3)
    assert Pin.made[16].v == 0
    assert meter.faults.counts[faults.BOOT] == 3
    del flash.read
    assert loop.start(tries=1)


def test_the_keypad_is_scanned_while_the_inverter_is_measured():
    Pin.made = {}
    board, meter, keypad, loop, t = board_loop()
    polls = []
    poll = keypad.poll

    def timed_poll():
        polls.append(t.us)
        # "5" is held from 100 ms to 160 ms: shorter than one whole measurement window (6 cycles)
        Board.pressed, Board.pressed_rc = 100000 <= t.us < 160000, (1, 1)
        return poll()

    keypad.poll = timed_poll
    typed = []
    meter.press = typed.append
    try:
        while t.us < 400000:
            loop.step()
    finally:
        Board.pressed = False
    assert typed == ["5"]
    gaps = [b - a for a, b in zip(polls, polls[1:])]
    assert max(gaps) < 30000  # a scan at least every 30 ms while the inverter is sampled
    assert meter.inverter.read_mv() is not None  # and the measurement went on
