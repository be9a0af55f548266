"""Benchmark of the meter's code decoding: CPython and MicroPython (WebAssembly port in Node.js).

    .venv/bin/python bench/firmware.py [--codes N]

Prints the figures and writes bench/results/firmware.json. Targets: under 20 ms
per code under MicroPython, under 16 KB of heap allocated during one decode
(measured with the garbage collector off, so gc.mem_alloc() only grows: the
figure bounds the peak).
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

TARGET_MS = 20
TARGET_HEAP = 16 * 1024

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
# what decoding keeps in RAM: two STA tables and the CRC table, 2 bytes per entry
t = sta._t
tables = 2 * (len(t.ip) + len(t.isip) + len(token._CRC))

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
    load = os.getloadavg()[0]
    result = {
        "codes": n,
        "micropython": {"version": f"1.27.0 (WebAssembly port, Node.js {node_version()})", **mp},
        "cpython": {"version": platform.python_version(), **cp},
        "targets": {"ms_per_code": TARGET_MS, "heap_per_decode_bytes": TARGET_HEAP},
        "met": mp["ms_per_code"] < TARGET_MS and mp["heap_per_decode_bytes"] < TARGET_HEAP,
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
