#!/usr/bin/env python3
"""The meter on a PC: the firmware core with a simulated board.

    python firmware/simulate.py --state FILE init --decoder-key HEX --drn DRN [--ti TI] [--krn N] [--kt N]
                                                   [--ken N] [--base-date 1993|2014|2035] [--entity NAME]
                                                   [--battery-cut]
    python firmware/simulate.py --state FILE init --provision PROVISIONING.json   # the platform's file
    python firmware/simulate.py --state FILE keys "KEYS"      # e.g. "*23716100501183194197A"
    python firmware/simulate.py --state FILE run --hours H --load-w W [--battery-v V]
    python firmware/simulate.py --state FILE show [--json]
    python firmware/simulate.py --state FILE                  # interactive

FILE is the meter's flash (the two storage slots). The simulated hardware that
is not flash (the RTC's offset from the host clock) sits next to it in
FILE.hw, with what the running meter holds in RAM (the last message, the
keypad mode): between two commands the meter stays powered. The clock is the host's UTC time plus that offset; `run --hours H`
moves it H hours on. For tests, `--now "YYYY-MM-DD HH:MM"` (UTC) or the
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

from meter import dates  # noqa: E402
from meter.app import Meter  # noqa: E402
from meter.board_sim import Fixed, SimClock, SimEnergy, TextPanel  # noqa: E402
from meter.storage import FileFlash, Store  # noqa: E402

KEYS = "0123456789*#ABCD"
STEP_S = 60
MAX_HOURS = 24 * 400


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
    k = sub.add_parser("keys", help="press keys")
    k.add_argument("keys", type=key_string)
    r = sub.add_parser("run", help="let time pass with a load")
    r.add_argument("--hours", required=True, type=positive("--hours", MAX_HOURS))
    r.add_argument("--load-w", required=True, type=positive("--load-w", 100000))
    r.add_argument("--battery-v", type=positive("--battery-v", 60), help="battery bank voltage from now on")
    sub.add_parser("show", help="print the screen")
    for each in (i, k, r, sub.choices["show"]):
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


class Sim:
    def __init__(self, path, now):
        self.path = path
        self.hw_path = path + ".hw"
        self.hw = {"offset_s": 0, "battery_mv": 25600, "inverter_mv": 120000}
        if os.path.exists(self.hw_path):
            with open(self.hw_path) as f:
                self.hw.update(json.load(f))
        self.clock = SimClock(now + self.hw["offset_s"])
        self.host = now
        self.energy = SimEnergy()
        self.panel = TextPanel()
        self.flash = FileFlash(path, Store.SIZE)
        self.meter = Meter(
            Store(self.flash),
            self.clock,
            display=self.panel,
            energy=self.energy,
            battery=Fixed(self.hw["battery_mv"]),
            inverter=Fixed(self.hw["inverter_mv"]),
        )

    def close(self):
        self.hw["offset_s"] = self.clock.t - self.host
        self.hw["ram"] = self.meter.ram()
        with open(self.hw_path, "w") as f:
            json.dump(self.hw, f)
        self.flash.close()

    def run(self, hours, load_w):
        m = self.meter
        m.tick()  # take in the readings as they are now (e.g. a new battery voltage)
        total = int(round(hours * 3600))
        while total > 0:
            step = min(STEP_S, total)
            self.energy.advance(step, load_w, m.relay)
            self.clock.advance(step)
            m.tick()
            total -= step
        if m._unsaved_wh:
            m.save()  # the simulator stops in order: keep what was used
        m.refresh()


def output(sim, as_json):
    m = sim.meter
    if as_json:
        d = m.status()
        d["screen"] = m.lines()
        d["now"] = dates.fmt(sim.clock()) + " UTC"
        print(json.dumps(d, ensure_ascii=False))
    else:
        print(sim.panel.text())


def interactive(sim, as_json):
    m = sim.meter
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
            for k in keys:
                m.press(k)
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
            )
        else:
            m.boot()
            if "ram" in sim.hw:
                m.restore_ram(sim.hw["ram"])
        if cmd == "keys":
            for k in args.keys:
                m.press(k)
        elif cmd == "run":
            if args.battery_v is not None:
                sim.hw["battery_mv"] = int(round(args.battery_v * 1000))
                m.battery.mv = sim.hw["battery_mv"]
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
