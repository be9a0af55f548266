import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    full = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "AOM_FIELD_KEY", "SECRET_KEY")}
    full.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_the_field_key():
    result = run_check(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "AOM_FIELD_KEY must be set" in result.stderr


def test_development_uses_a_development_field_key_with_a_warning():
    result = run_check(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "AOM_FIELD_KEY is not set" in result.stderr


def test_production_starts_with_its_keys_set():
    result = run_check(DEBUG="0", SECRET_KEY="x" * 50, AOM_FIELD_KEY="ab" * 32, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr
