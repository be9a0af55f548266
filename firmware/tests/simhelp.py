"""Driving firmware/simulate.py as a subprocess (CPython only)."""

import json
import os
import subprocess
import sys

SIMULATOR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "simulate.py")


def sim(state, *args, now="2024-03-10 15:00", stdin=None):
    cmd = [sys.executable, SIMULATOR, "--state", str(state)]
    if now:
        cmd += ["--now", now]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, input=stdin, timeout=120)


def sim_json(state, *args, now="2024-03-10 15:00"):
    r = sim(state, "--json", *args, now=now)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)
