"""Fakes for the firmware tests (flash with power cuts, pins, buses, ADCs) and a meter builder.

Plain Python that runs on MicroPython too.
"""

from meter import dates, password, token
from meter.app import Meter
from meter.board_sim import Fixed, SimClock, SimEnergy, TextPanel
from meter.sta import Sta
from meter.storage import Memory, Store

DK = "e653341f9d5bf36f"  # TOKENS.md worked vector
OTHER_DK = "0123456789abcdef"
START = dates.seconds(2024, 3, 10, 15, 0)  # 10:00 in Colombia
PW = password.derive(DK)  # the administration password of a meter provisioned with DK
LOGIN = "#" + PW + "A"


class PowerCut(BaseException):
    """The power goes: not an error the firmware sees (its handlers catch Exception only)."""


class FakeFlash:
    """A flash in RAM. cut_after(n): the next n bytes are written, then the power goes."""

    def __init__(self, size=Store.SIZE):
        self.mem = bytearray(b"\xff" * size)
        self.budget = None
        self.written = 0
        self.broken = False  # True: every write raises OSError (a flash that fails)

    def cut_after(self, n):
        self.budget = n

    def read(self, offset, n):
        return bytes(self.mem[offset : offset + n])

    def write(self, offset, data):
        if self.broken:
            raise OSError(5)  # EIO
        n = len(data)
        if self.budget is not None:
            n = min(n, self.budget)
            self.budget -= n
        self.mem[offset : offset + n] = data[:n]
        self.written += n
        if n < len(data):
            raise PowerCut()

    def sync(self):
        pass

    def copy(self):
        f = FakeFlash(len(self.mem))
        f.mem[:] = self.mem
        return f


class FakePin:
    def __init__(self, v=1):
        self.v = v
        self.history = []

    def value(self, v=None):
        if v is None:
            return self.v
        self.v = v
        self.history.append(v)

    def on(self):
        self.value(1)

    def off(self):
        self.value(0)

    def __call__(self, v=None):
        return self.value(v)


class FakeSPI:
    def __init__(self):
        self.data = bytearray()
        self.log = []  # (dc, bytes) per write

    def write(self, b):
        self.data.extend(b)
        self.log.append(bytes(b))


class FakeI2C:
    def __init__(self, mem=None):
        self.mem = bytearray(mem or bytes(32))

    def readfrom_mem(self, addr, reg, n):
        return bytes(self.mem[reg : reg + n])

    def writeto_mem(self, addr, reg, data):
        self.mem[reg : reg + len(data)] = data


def sta(key=DK):
    return Sta(bytes.fromhex(key))


def credit_code(tenths, tid, key=DK, rnd=3, sub=0):
    return token.encode(token.CLASS_CREDIT, sub, rnd, tid, token.amount_field(tenths), sta(key))


def management_code(sub, field, tid, key=DK, rnd=7):
    return token.encode(token.CLASS_MANAGEMENT, sub, rnd, tid, field, sta(key))


def tid_at(y, m, d, hh=0, mm=0, base=1993):
    return dates.tid(dates.seconds(y, m, d, hh, mm), base)


def make_meter(flash=None, now=START, key=DK, init=True, energy=True, battery_mv=25600, **kw):
    """A meter on a fake flash with a hand-moved clock; initialised with key unless init=False."""
    flash = flash or FakeFlash()
    clock = SimClock(now)
    m = Meter(
        Memory(flash),
        clock,
        display=TextPanel(),
        relay=FakePin(0),
        energy=SimEnergy() if energy else None,
        battery=Fixed(battery_mv),
        inverter=Fixed(120000),
        **kw,
    )
    if init:
        m.setup(key, "47500150231")
    else:
        m.boot()
    m.flash = flash
    m.clock = clock
    return m


def reboot(m, flash=None):
    """The same board after a reset: a new Meter on the same flash and clock."""
    flash = flash or m.flash
    flash.budget = None  # the power is back
    n = Meter(
        Memory(flash),
        m.clock,
        display=TextPanel(),
        relay=FakePin(0),
        energy=SimEnergy(),
        battery=Fixed(25600),
        inverter=Fixed(120000),
    )
    n.boot()
    n.flash = flash
    n.clock = m.clock
    return n


def type_keys(m, keys):
    for k in keys:
        m.press(k)


def use(m, wh, minutes=1):
    """Draw wh through the energy meter over some minutes, then tick."""
    m.energy.ws += wh * 3600
    m.clock.advance(60 * minutes)
    m.tick()


def screen_text(m):
    return "\n".join(m.lines())
