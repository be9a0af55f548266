"""Runs every firmware test module under real MicroPython (WebAssembly port, in Node.js).

The modules marked HOST_ONLY drive the CPython simulator or the platform and stay on CPython.
"""

import os
import re
import shutil
import subprocess

import pytest

HOST_ONLY = True

HERE = os.path.dirname(os.path.abspath(__file__))
FIRMWARE = os.path.dirname(HERE)
PACKAGE = os.path.join(FIRMWARE, "node_modules", "@micropython", "micropython-webassembly-pyscript")


def portable_modules():
    names = []
    for name in sorted(os.listdir(HERE)):
        if not re.match(r"test_\w+\.py$", name):
            continue
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            if re.search(r"^HOST_ONLY = True", f.read(), re.M):
                continue
        names.append(name[:-3])
    return names


def run_micropython(script, tmp_path):
    if not shutil.which("node"):
        pytest.fail("Node.js is needed to run MicroPython: install node (see README)")
    if not os.path.isdir(PACKAGE):
        pytest.fail("MicroPython is not installed: run `scripts/setup --test` (npm ci in firmware/)")
    path = tmp_path / "main.py"
    path.write_text(script)
    return subprocess.run(
        ["node", os.path.join(HERE, "run_micropython.mjs"), FIRMWARE, str(path)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_interpreter_is_micropython(tmp_path):
    r = run_micropython("import sys\nprint(sys.implementation.name, sys.implementation.version[:2])\n", tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["micropython", "(1,", "27)"]


def test_every_portable_firmware_test_module_passes_under_micropython(tmp_path):
    names = portable_modules()
    assert "test_sta" in names and "test_power_cut" in names
    script = "import sys, mpunit\nfailed = mpunit.run(%r)\nsys.exit(1 if failed else 0)\n" % names
    r = run_micropython(script, tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode == 0, "MicroPython run failed:\n" + out
    summary = re.search(r"(\d+) passed, 0 failed", out)
    assert summary and int(summary.group(1)) > 0, out
