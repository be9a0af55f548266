#!/usr/bin/env python3
"""The meter on a PC: the firmware core with a simulated board.

    python firmware/simulate.py --state FILE init --decoder-key HEX --drn DRN [--ti TI] [--krn N] [--kt N]
                                                   [--ken N] [--base-date 1993|2014|2035] [--entity NAME]
                                                   [--battery-cut]
    python firmware/simulate.py --state FILE init --provision PROVISIONING.json   # the platform's file
    python firmware/simulate.py --state FILE keys "KEYS"      # e.g. "*23716100501183194197A"
    python firmware/simulate.py --state FILE run --hours H --load-w W [--battery-v V]
    python firmware/simulate.py --state FILE show [--json]
    python firmware/simulate.py --state FILE log [--json]      # the fault log in flash
    python firmware/simulate.py --state FILE fault KIND [--days N] [--count N] [--key K]
    python firmware/simulate.py --state FILE reset             # a power cut and back
    python firmware/simulate.py --state FILE                  # interactive

FILE is the meter's flash (state, decoder key record, fault log). The simulated
hardware that is not flash (the RTC's offset from the host clock, the board's
tick clock, the faults injected) sits next to it in FILE.hw, with what the
running meter holds in RAM (the last message, the keypad mode): between two
commands the meter stays powered. The clock is the host's UTC time plus that
offset; `run --hours H` moves it and the tick clock H hours on together.
`fault KIND` injects one of README's faults (see `fault --help`). For tests, `--now "YYYY-MM-DD HH:MM"` (UTC) or the
environment variable AOM_SIM_NOW (same format) replaces the host's time.

Every command prints the screen as text, or with --json one JSON object.
Bad arguments: one line on standard error, exit status 2.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from meter import dates, faults  # noqa: E402
from meter.app import Meter  # noqa: E402
from meter.board_sim import Fixed, SimClock, SimEnergy, TextPanel  # noqa: E402
from meter.matrix import LAYOUT, Keypad  # noqa: E402
from meter.measure import PulseEnergy  # noqa: E402
from meter.storage import FileFlash, Memory, Store  # noqa: E402

KEYS = "0123456789*#ABCD"
STEP_S = 60
MAX_HOURS = 24 * 400
FAULTS = (
    "i2c",  # the RTC stops answering (until clear)
    "flash",  # every flash write fails (until clear)
    "memory",  # the next --count ticks raise MemoryError
    "clock-lost",  # the RTC's oscillator stopped: lost-power flag, time back to 2000-01-01
    "clock-ff",  # the RTC's registers read all 0xFF (until clear or HORA)
    "clock-jump",  # the RTC jumps --days on (negative: back)
    "phantom-pulses",  # --count false interrupts on the energy pulse pin
    "bounce",  # --key pressed once, its contact bouncing when let go
    "stuck",  # --key stuck down (until clear): the other keys go through the matrix
    "brownout",  # closing the relay resets the board (until clear)
    "clear",  # no more faults
)


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parse_when(text, what):
    text = text.strip()
    try:
        day, _, hm = text.partition(" ")
        y, m, d = (int(x) for x in day.split("-"))
        parts = [int(x) for x in hm.split(":")] if hm else [0, 0]
        if len(parts) == 2:
            parts.append(0)
        hh, mi, ss = parts
        if not dates.valid_date(y, m, d) or not (0 <= hh < 24 and 0 <= mi < 60 and 0 <= ss < 60):
            raise ValueError
    except ValueError:
        raise UsageError('%s must be a UTC date-time "YYYY-MM-DD HH:MM", not %r' % (what, text)) from None
    return dates.seconds(y, m, d, hh, mi, ss)


def host_now(args):
    if args.now:
        return parse_when(args.now, "--now")
    env = os.environ.get("AOM_SIM_NOW")
    if env:
        return parse_when(env, "AOM_SIM_NOW")
    return int(time.time()) - 946684800  # Unix epoch -> 2000 epoch


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def int_in(lo, hi, name):
    def check(text):
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError("%s must be a whole number, not %r" % (name, text)) from None
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError("%s must be between %d and %d, not %d" % (name, lo, hi, v))
        return v

    return check


def decoder_key(text):
    t = text.strip().lower()
    if len(t) != 16 or any(c not in "0123456789abcdef" for c in t):
        raise argparse.ArgumentTypeError("--decoder-key must be 16 hex digits, not %r" % text)
    return t


def drn(text):
    t = text.strip()
    if not (t.isdigit() and len(t) in (11, 13)):
        raise argparse.ArgumentTypeError("--drn must be 11 digits (13 for IIN 0000), not %r" % text)
    if not luhn_ok(t):
        raise argparse.ArgumentTypeError("--drn %s fails its Luhn check digit" % t)
    return t


def positive(name, hi):
    def check(text):
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError("%s must be a number, not %r" % (name, text)) from None
        if not (0 <= v <= hi) or v != v:
            raise argparse.ArgumentTypeError("%s must be between 0 and %g, not %s" % (name, hi, text))
        return v

    return check


def entity_name(text):
    t = " ".join(text.split())
    if not t or len(t) > 40:
        raise argparse.ArgumentTypeError("--entity must be 1 to 40 characters")
    return t


def key_string(text):
    keys = "".join(text.split()).upper()
    bad = [c for c in keys if c not in KEYS]
    if bad:
        raise argparse.ArgumentTypeError("unknown key %r: the keypad has 0-9 * # A B C D" % bad[0])
    return keys


def build_parser():
    p = Parser(prog="simulate.py", description="AOM meter simulator")
    p.add_argument("--state", required=True, metavar="FILE", help="the meter's simulated flash")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the screen")
    p.add_argument("--now", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", parser_class=Parser)
    i = sub.add_parser("init", help="factory set-up with a decoder key")
    i.add_argument("--provision", metavar="FILE", help="the provisioning file downloaded from the platform")
    i.add_argument("--decoder-key", type=decoder_key)
    i.add_argument("--drn", type=drn)
    i.add_argument("--ti", type=int_in(0, 99, "--ti"), default=None)
    i.add_argument("--krn", type=int_in(1, 9, "--krn"), default=None)
    i.add_argument("--kt", type=int_in(0, 3, "--kt"), default=None)
    i.add_argument("--ken", type=int_in(0, 255, "--ken"), default=None)
    i.add_argument("--base-date", type=int, choices=dates.BASE_DATES, default=None)
    i.add_argument("--entity", default=None, type=entity_name)
    i.add_argument("--battery-cut", action="store_true", help="open the relay below 22.0 V (back at 24.0 V)")
    i.add_argument("--max-credito", type=positive("--max-credito", 9999), help="CREDITO maximum, kWh (default 20)")
    i.add_argument("--max-subsidio", type=positive("--max-subsidio", 9999), help="SUBSIDIO maximum, kWh (default 200)")
    k = sub.add_parser("keys", help="press keys")
    k.add_argument("keys", type=key_string)
    r = sub.add_parser("run", help="let time pass with a load")
    r.add_argument("--hours", required=True, type=positive("--hours", MAX_HOURS))
    r.add_argument("--load-w", required=True, type=positive("--load-w", 100000))
    r.add_argument("--battery-v", type=positive("--battery-v", 60), help="battery bank voltage from now on")
    sub.add_parser("show", help="print the screen")
    sub.add_parser("log", help="print the fault log kept in flash")
    sub.add_parser("reset", help="a power cut and back: the meter boots again")
    f = sub.add_parser("fault", help="inject a fault: " + ", ".join(FAULTS))
    f.add_argument("kind", choices=FAULTS)
    f.add_argument("--days", type=int_in(-20000, 20000, "--days"), default=0, help="clock-jump: days (negative: back)")
    f.add_argument("--count", type=int_in(1, 100000, "--count"), default=1, help="memory, phantom-pulses: how many")
    f.add_argument("--key", type=key_string, default="5", help="bounce, stuck: which key")
    for each in (i, k, r, f, sub.choices["show"], sub.choices["log"], sub.choices["reset"]):
        each.add_argument("--json", action="store_true", dest="sub_json", help="print one JSON object")
    return p


INIT_DEFAULTS = {"ti": 1, "krn": 1, "kt": 2, "ken": 255, "base_date": 1993, "entity": "AOM"}


def read_provision(path):
    """The provisioning file (JSON) the platform gives once per meter, checked field by field."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise UsageError("cannot read --provision %s: %s" % (path, e.strerror)) from None
    except ValueError:
        raise UsageError("--provision %s is not a provisioning file (JSON expected)" % path) from None
    if not isinstance(data, dict) or data.get("format") != "aom-provisioning-1":
        raise UsageError("--provision %s is not an AOM provisioning file" % path)
    checks = {
        "decoder_key": decoder_key,
        "drn": drn,
        "ti": int_in(0, 99, "ti"),
        "krn": int_in(1, 9, "krn"),
        "kt": int_in(0, 3, "kt"),
        "ken": int_in(0, 255, "ken"),
        "base_date": int_in(1993, 2035, "base_date"),
        "entity": entity_name,
    }
    out = {}
    for name, check in checks.items():
        if name not in data:
            raise UsageError("--provision %s has no %s" % (path, name))
        try:
            out[name] = check(str(data[name]))
        except argparse.ArgumentTypeError as e:
            raise UsageError("--provision %s: %s" % (path, e)) from None
    if out["base_date"] not in dates.BASE_DATES:
        raise UsageError("--provision %s: base_date must be 1993, 2014 or 2035" % path)
    return out


def init_values(args):
    """What `init` loads: the provisioning file, or else the options (with their defaults)."""
    if args.provision:
        if args.decoder_key or args.drn:
            raise UsageError("give either --provision or --decoder-key and --drn, not both")
        return read_provision(args.provision)
    if not (args.decoder_key and args.drn):
        raise UsageError("init needs --decoder-key and --drn (or --provision FILE)")
    values = {"decoder_key": args.decoder_key, "drn": args.drn}
    for name, default in INIT_DEFAULTS.items():
        given = getattr(args, name)
        values[name] = default if given is None else given
    return values


class FlakyFlash(FileFlash):
    """The flash file; with `broken` set every write fails as a worn or disconnected flash does."""

    broken = False

    def write(self, offset, data):
        if self.broken:
            raise OSError(5)  # EIO
        FileFlash.write(self, offset, data)


class SimPin:
    """The energy pulse input: `level` is what it reads when an interrupt runs."""

    def __init__(self, level=1):
        self.level = level

    def value(self):
        return self.level

    def irq(self, handler=None, trigger=None):
        self.handler = handler


class Matrix:
    """The keypad's 4x4 matrix: rows driven, columns read; `held` are the keys down."""

    def __init__(self):
        self.held = set()
        self.rows = [SimRow() for _ in range(4)]
        self.cols = [SimCol(self, j) for j in range(4)]

    def down(self, i, j):
        return LAYOUT[i][j] in self.held


class SimRow:
    def __init__(self):
        self.v = 1

    def value(self, v=None):
        if v is None:
            return self.v
        self.v = v


class SimCol:
    def __init__(self, matrix, j):
        self.m = matrix
        self.j = j

    def value(self):
        for i, r in enumerate(self.m.rows):
            if r.v == 0 and self.m.down(i, self.j):
                return 0
        return 1


class Sim:
    def __init__(self, path, now):
        self.path = path
        self.hw_path = path + ".hw"
        self.hw = {"offset_s": 0, "battery_mv": 25600, "inverter_mv": 120000}
        if os.path.exists(self.hw_path):
            with open(self.hw_path) as f:
                self.hw.update(json.load(f))
        hw = self.hw
        # the board stayed powered: its tick clock went on with the host's time
        ms = hw.get("ticks_ms", 0) + max(0, now - hw.get("host_s", now)) * 1000
        self.clock = SimClock(now + hw["offset_s"], ms)
        self.clock.fail = hw.get("rtc_fail", 0)
        self.clock.garbage = hw.get("rtc_garbage", False)
        self.clock.lost = hw.get("rtc_lost", False)
        self.host = now
        self.energy = SimEnergy()
        self.memory_fails = hw.get("memory_fails", 0)  # armed once the meter is up
        self.panel = TextPanel()
        self.flash = FlakyFlash(path, Store.SIZE)
        self.flash.broken = hw.get("flash_fail", False)
        self.resets = 0
        self.meter = self.new_meter()

    def new_meter(self):
        return Meter(
            Memory(self.flash),
            self.clock,
            display=self.panel,
            energy=self.energy,
            battery=Fixed(self.hw["battery_mv"]),
            inverter=Fixed(self.hw["inverter_mv"]),
        )

    def close(self):
        c = self.clock
        hw = self.hw
        hw["offset_s"] = c.t - self.host
        hw["host_s"] = self.host
        hw["ticks_ms"] = c.ms
        hw["rtc_fail"], hw["rtc_garbage"], hw["rtc_lost"] = c.fail, c.garbage, c.lost
        hw["memory_fails"] = self.energy.fail
        hw["ram"] = self.meter.ram()
        with open(self.hw_path, "w") as f:
            json.dump(hw, f)
        self.flash.close()

    def reset(self):
        """A power cut and back: RAM is lost, the meter boots from its flash."""
        self.meter = self.new_meter()
        self.resets += 1
        self.meter.boot()

    def brownout(self):
        """With the brown-out fault, a relay that closes resets the board (at most 10 times in a row)."""
        for _ in range(10):
            if not (self.hw.get("brownout") and self.meter.relay):
                return
            self.reset()

    def press(self, keys):
        stuck = self.hw.get("stuck")
        if not stuck:
            for k in keys:
                self.meter.press(k)
                self.brownout()
            return
        # through the matrix, the stuck key held all along
        matrix = Matrix()
        matrix.held = {stuck}
        kp = Keypad(matrix.rows, matrix.cols)
        for _ in range(kp.stuck_scans):
            self.poll(kp)
        for k in keys:
            matrix.held.add(k)
            for _ in range(kp.stable + 1):
                self.poll(kp)
            if k != stuck:
                matrix.held.discard(k)
            for _ in range(kp.release + 1):
                self.poll(kp)

    def poll(self, kp):
        k = kp.poll()
        if kp.stuck_new is not None:
            kp.stuck_new = None
            self.meter.fault(faults.KEY_STUCK)
        if k:
            self.meter.press(k)
            self.brownout()

    def bounce(self, key):
        """One press of `key` whose contact bounces twice when let go."""
        matrix = Matrix()
        kp = Keypad(matrix.rows, matrix.cols)
        for held in (1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0):
            matrix.held = {key} if held else set()
            self.poll(kp)

    def phantom(self, n):
        """n interrupts on the pulse pin that its level does not confirm."""
        pe = PulseEnergy(SimPin(level=1), ticks_ms=self.clock.ticks_ms)
        for _ in range(n):
            pe.pulse()
        self.energy.phantom += pe.phantom
        self.energy.ws += pe.wh() * 3600
        self.meter.tick()

    def fault(self, kind, days, count, key):
        hw = self.hw
        c = self.clock
        m = self.meter
        if kind == "clear":
            for name in ("brownout", "stuck", "flash_fail"):
                hw.pop(name, None)
            c.fail, c.garbage = 0, False
            self.flash.broken = False
            self.energy.fail = 0
        elif kind == "i2c":
            c.fail = -1
        elif kind == "flash":
            hw["flash_fail"] = self.flash.broken = True
        elif kind == "memory":
            self.energy.fail = count
        elif kind == "clock-lost":
            c.lost = True
            c.t = dates.seconds(2000, 1, 1)
        elif kind == "clock-ff":
            c.garbage = True
        elif kind == "clock-jump":
            c.jump(days * 86400)
        elif kind == "phantom-pulses":
            self.phantom(count)
            return
        elif kind == "bounce":
            self.bounce(key)
            return
        elif kind == "stuck":
            hw["stuck"] = key
            self.press("")
            return
        elif kind == "brownout":
            hw["brownout"] = True
            self.brownout()
            return
        m.tick()  # the meter meets the fault at once

    def run(self, hours, load_w):
        total = int(round(hours * 3600))
        self.meter.tick()  # take in the readings as they are now (e.g. a new battery voltage)
        self.brownout()
        while total > 0:
            m = self.meter
            step = min(STEP_S, total)
            self.energy.advance(step, load_w, m.relay)
            self.clock.advance(step)
            m.tick()
            self.brownout()
            total -= step
        m = self.meter
        if m._unsaved_wh:
            m.save()  # the simulator stops in order: keep what was used
        m.refresh()


def fault_log(m):
    out = []
    for seq, t, code, n, relay in m.memory.log.entries():
        out.append(
            {
                "time": dates.fmt(t) + " UTC",
                "fault": faults.NAMES.get(code, str(code)),
                "count": n,
                "relay": "closed" if relay else "open",
            }
        )
    return out


def output(sim, as_json):
    m = sim.meter
    if as_json:
        d = m.status()
        d["screen"] = m.lines()
        d["now"] = dates.fmt(sim.clock.t) + " UTC"
        d["meter_now"] = dates.fmt(m.now()) + " UTC"  # the time the meter believes
        d["fault_log"] = fault_log(m)
        d["resets"] = sim.resets
        if sim.command == "init":
            d["admin_password"] = m.admin_password()
        print(json.dumps(d, ensure_ascii=False))
    elif sim.command == "log":
        entries = fault_log(m)
        for e in entries:
            print("%s  %-20s x%d  relay %s" % (e["time"], e["fault"], e["count"], e["relay"]))
        if not entries:
            print("no faults logged")
    else:
        print(sim.panel.text())
        if sim.command == "init":
            print("admin password: %s" % m.admin_password())


def interactive(sim, as_json):
    output(sim, as_json)
    print("Keys 0-9 * # A B C D, then Enter. ':run H W' lets time pass, ':q' quits.")
    while True:
        try:
            line = input("> ")
        except EOFError:
            break
        line = line.strip()
        if line in (":q", ":quit"):
            break
        if line.startswith(":run"):
            try:
                _, h, w = line.split()
                sim.run(float(h), float(w))
            except ValueError:
                print("use ':run HOURS LOAD_W', e.g. ':run 2 300'")
                continue
        else:
            try:
                keys = key_string(line)
            except argparse.ArgumentTypeError as e:
                print(e)
                continue
            sim.press(keys)
        output(sim, as_json)


def main(argv=None):
    try:
        args = build_parser().parse_args(argv)
        now = host_now(args)
        init = init_values(args) if args.command == "init" else None
    except UsageError as e:
        print("simulate.py: error: %s" % e, file=sys.stderr)
        return 2
    path = args.state
    cmd = args.command
    as_json = args.json or getattr(args, "sub_json", False)
    if cmd != "init" and not os.path.exists(path):
        print("simulate.py: error: no meter flash at %s: run 'init' first" % path, file=sys.stderr)
        return 2
    if cmd == "init":
        for p in (path, path + ".hw"):
            if os.path.exists(p):
                os.remove(p)
    elif os.path.getsize(path) != Store.SIZE:
        print(
            "simulate.py: error: %s is not a meter flash image (%d bytes expected)" % (path, Store.SIZE),
            file=sys.stderr,
        )
        return 2
    try:
        sim = Sim(path, now)
    except OSError as e:
        print("simulate.py: error: cannot open %s: %s" % (path, e.strerror), file=sys.stderr)
        return 2
    sim.command = cmd
    try:
        m = sim.meter
        if cmd == "init":
            m.setup(
                init["decoder_key"],
                init["drn"],
                ti=init["ti"],
                krn=init["krn"],
                kt=init["kt"],
                ken=init["ken"],
                base_date=init["base_date"],
                entity=init["entity"],
                battery_cut=1 if args.battery_cut else 0,
                max_emergency_wh=None if args.max_credito is None else int(round(args.max_credito * 1000)),
                max_subsidy_wh=None if args.max_subsidio is None else int(round(args.max_subsidio * 1000)),
            )
        elif "ram" in sim.hw and cmd != "reset":
            m.resume(sim.hw["ram"])
        else:
            sim.reset()
        sim.energy.fail = sim.memory_fails
        if cmd == "keys":
            sim.press(args.keys)
        elif cmd == "fault":
            sim.fault(args.kind, args.days, args.count, args.key)
        elif cmd == "run":
            if args.battery_v is not None:
                sim.hw["battery_mv"] = int(round(args.battery_v * 1000))
                sim.meter.battery.mv = sim.hw["battery_mv"]
            sim.run(args.hours, args.load_w)
        if cmd is None:
            interactive(sim, as_json)
        else:
            output(sim, as_json)
    finally:
        sim.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
