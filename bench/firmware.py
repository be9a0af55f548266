"""Benchmark of the meter's code decoding and heap: CPython and MicroPython (WebAssembly port in Node.js).

    .venv/bin/python bench/firmware.py [--codes N]

Prints the figures and writes bench/results/firmware.json. Targets: under 20 ms
per code under MicroPython, under 16 KB of heap allocated during one decode
(measured with the garbage collector off, so gc.mem_alloc() only grows: the
figure bounds the peak).

Heap: the whole meter (Meter with its flash, clock, the ILI9341 text panel with
its 10 KB line buffer, keypad, measurements) is built and booted under
MicroPython, once from the .py sources and once from the .mpy files of
firmware/build.py; the heap the firmware holds (gc.mem_alloc() after a
gc.collect() at the top level, the only place the WebAssembly port frees
everything) is read after boot and after 100 codes typed key by key, and
compared with the 110 KB a plain ESP32 leaves to Python (the WebAssembly
port's heap grows on demand, so its own gc.mem_free() says nothing). The
script's fake `machine` module (C and ROM on a board) is left out of the figures.
Target: at least 40 KB of the 110 KB free.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRMWARE = os.path.join(ROOT, "firmware")
RESULTS = os.path.join(ROOT, "bench", "results", "firmware.json")
sys.path.insert(0, FIRMWARE)
sys.path.insert(0, os.path.join(FIRMWARE, "tests"))
sys.path.insert(0, FIRMWARE)

TARGET_MS = 20
TARGET_HEAP = 16 * 1024
HEAP_BUDGET = 110 * 1024  # a plain ESP32's MicroPython heap
TARGET_FREE = 40 * 1024
HEAP_CODES = 100

# Runs under MicroPython with a 110 KB heap; prints one JSON line. CODES: 100 codes, 20 digits each.
HEAP_SCRIPT = """
import gc, json, time
gc.collect()
start_used = gc.mem_alloc()
#--- top level ---
import sys


class Pin:
    OUT = 1
    IN = 2
    PULL_UP = 3
    IRQ_FALLING = 4

    def __init__(self, n, mode=None, pull=None, value=None):
        self.v = 1 if value is None else value

    def value(self, v=None):
        if v is None:
            return self.v
        self.v = v

    def irq(self, handler=None, trigger=None):
        self.handler = handler


class Bus:
    def __init__(self, *a, **kw):
        self.mem = bytearray(bytes((0, 0, 0x15, 7, 0x10, 0x03, 0x24)) + bytes(25))

    def write(self, b):
        pass

    def readfrom_mem(self, addr, reg, n):
        return bytes(self.mem[reg : reg + n])

    def writeto_mem(self, addr, reg, data):
        self.mem[reg : reg + len(data)] = data


class ADC:
    ATTN_11DB = 3

    def __init__(self, pin, atten=None):
        pass

    def read_u16(self):
        return 32768

    def read_uv(self):
        return 2327273


class Machine:
    Pin = Pin
    SPI = Bus
    I2C = Bus
    ADC = ADC

    @staticmethod
    def PWM(pin, freq=0, duty_u16=0):
        return None


sys.modules["machine"] = Machine
#--- top level ---
gc.collect()
machine_used = gc.mem_alloc() - start_used  # the fake machine module: in ROM on a board
start_used += machine_used
#--- top level ---
from meter import board_esp32

board_esp32.FLASH_FILE = "/meter.bin"
m, kp = board_esp32.build()
m.setup("e653341f9d5bf36f", "47500150231")
m.boot()
kp.poll()
clock = m.rtc
del Machine, Pin, Bus, ADC
#--- top level ---
gc.collect()
boot_used = gc.mem_alloc() - start_used
#--- top level ---
CODES = "%(codes)s"
t = time.ticks_us()
for i in range(%(n)d):
    for k in "*" + CODES[20 * i : 20 * i + 20] + "A":
        m.press(k)
    assert m.last_result == "accepted", (i, m.last_result)
    m.tick()
us = time.ticks_diff(time.ticks_us(), t)
del CODES
#--- top level ---
gc.collect()
used = gc.mem_alloc() - start_used
print(json.dumps({"fake_machine_bytes_left_out": machine_used, "heap_used_after_boot_bytes": boot_used, "heap_free_after_boot_bytes": %(budget)d - boot_used,
                  "heap_used_after_codes_bytes": used, "heap_free_after_codes_bytes": %(budget)d - used,
                  "ms_per_code_typed": us / %(n)d / 1000, "credit_kwh": m.state.credit_wh / 1000}))
"""

# Runs under MicroPython; prints one JSON line.
MP_SCRIPT = """
import gc, json, time
from fakehw import credit_code
from meter import token
from meter.sta import Sta
from meter.decoder import Decoder
from meter.state import State

N = %(n)d
KEY = bytes.fromhex("e653341f9d5bf36f")
codes = [credit_code(10 + i, 1000 + i) for i in range(N)]
sta = Sta(KEY)
t = time.ticks_us()
first = token.decode(codes[0], sta)
first_us = time.ticks_diff(time.ticks_us(), t)
# what decoding keeps in RAM: the inverse permutation, the STA table and the CRC table (2 bytes per entry)
t = sta._t
tables = len(t.pinv) + 2 * (len(t.isip) + len(token._CRC))

t = time.ticks_us()
for c in codes:
    tok = token.decode(c, sta)
    assert tok is not None
us = time.ticks_diff(time.ticks_us(), t)

d = Decoder(State(key="e653341f9d5bf36f"))
d.sta()
t = time.ticks_us()
for c in codes:
    assert d.enter(c)[0] == "accepted"
enter_us = time.ticks_diff(time.ticks_us(), t)

peak = 0
for c in codes[:20]:
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    token.decode(c, sta)
    used = gc.mem_alloc() - before
    gc.enable()
    peak = max(peak, used)
gc.collect()
print(json.dumps({"ms_per_code": us / N / 1000, "ms_per_enter": enter_us / N / 1000,
                  "first_decode_ms": first_us / 1000, "tables_bytes": tables, "heap_per_decode_bytes": peak}))
"""


def micropython(n):
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(MP_SCRIPT % {"n": n})
        path = f.name
    try:
        r = subprocess.run(
            ["node", os.path.join(FIRMWARE, "tests", "run_micropython.mjs"), FIRMWARE, path],
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        os.unlink(path)
    if r.returncode:
        sys.exit("MicroPython run failed:\n" + r.stdout + r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def heap(n, meter_dir=None):
    """The heap figures under MicroPython with a 110 KB heap; meter_dir: the .mpy build."""
    from fakehw import credit_code

    codes = "".join(credit_code(1, 5000 + i) for i in range(n))
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(HEAP_SCRIPT % {"n": n, "codes": codes, "budget": HEAP_BUDGET})
        path = f.name
    env = dict(os.environ)
    if meter_dir:
        env["AOM_METER_DIR"] = meter_dir
    try:
        r = subprocess.run(
            ["node", os.path.join(FIRMWARE, "tests", "run_micropython.mjs"), FIRMWARE, path, str(HEAP_BUDGET)],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
    finally:
        os.unlink(path)
    if r.returncode:
        return {"error": (r.stdout + r.stderr).strip().splitlines()[-1]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def heaps():
    import build

    out = {"budget_bytes": HEAP_BUDGET, "target_free_bytes": TARGET_FREE, "codes": HEAP_CODES}
    out["py"] = heap(HEAP_CODES)
    with tempfile.TemporaryDirectory() as d:
        build.build(d, include_host=True)
        out["mpy"] = heap(HEAP_CODES, os.path.join(d, "meter"))
        out["mpy_cross"] = build.version()
    return out


def cpython(n):
    from fakehw import credit_code
    from meter import token
    from meter.sta import Sta

    codes = [credit_code(10 + i, 1000 + i) for i in range(n)]
    sta = Sta(bytes.fromhex("e653341f9d5bf36f"))
    token.decode(codes[0], sta)
    t = time.perf_counter()
    for c in codes:
        assert token.decode(c, sta) is not None
    return {"ms_per_code": (time.perf_counter() - t) / n * 1000}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--codes", type=int, default=500)
    n = p.parse_args().codes
    mp = micropython(n)
    cp = cpython(n)
    hp = heaps()
    load = os.getloadavg()[0]
    result = {
        "codes": n,
        "micropython": {"version": f"1.27.0 (WebAssembly port, Node.js {node_version()})", **mp},
        "cpython": {"version": platform.python_version(), **cp},
        "heap_110k": hp,
        "targets": {"ms_per_code": TARGET_MS, "heap_per_decode_bytes": TARGET_HEAP},
        "met": mp["ms_per_code"] < TARGET_MS
        and mp["heap_per_decode_bytes"] < TARGET_HEAP
        and hp["mpy"].get("heap_free_after_codes_bytes", 0) >= TARGET_FREE,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load average {load:.2f} when measured",
        "note": "measured while other work may run on the same machine; re-run on a quiet machine for final figures",
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    print(
        f"MicroPython: {mp['ms_per_code']:.3f} ms per code ({mp['ms_per_enter']:.3f} ms through the meter's rules), "
        f"{mp['heap_per_decode_bytes']} bytes of heap per decode"
    )
    print(
        f"MicroPython: first decode {mp['first_decode_ms']:.1f} ms (builds the tables, {mp['tables_bytes']} bytes kept)"
    )
    print(f"CPython {platform.python_version()}: {cp['ms_per_code']:.3f} ms per code")
    for form in ("py", "mpy"):
        h = hp[form]
        if "error" in h:
            print(f"heap ({form}, {HEAP_BUDGET} bytes): FAILED: {h['error']}")
            continue
        print(
            f"heap ({form}, {HEAP_BUDGET} bytes): {h['heap_used_after_boot_bytes']} used / "
            f"{h['heap_free_after_boot_bytes']} free after boot, {h['heap_used_after_codes_bytes']} used / "
            f"{h['heap_free_after_codes_bytes']} free after {HEAP_CODES} codes "
            f"({h['ms_per_code_typed']:.1f} ms per code typed key by key)"
        )
    print(f"targets (< {TARGET_MS} ms, < {TARGET_HEAP} bytes): {'met' if result['met'] else 'NOT met'}")
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


def node_version():
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
