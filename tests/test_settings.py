"""Production-safe settings: DEBUG off unless asked for, and no start without real keys."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

STRONG_SECRET = "k3J9-vQ2_x8LmN4pR7sT1wY6zA0bC5dE-fG8hI2jK4lM6nO9pQ"
FIELD_KEY = "ab12" * 16


def manage(*argv, **env):
    full = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "AOM_FIELD_KEY", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "SECURE_COOKIES")
    }
    full.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *argv], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120
    )


def run_check(**env):
    return manage("check", **env)


def production(**overrides):
    env = {"SECRET_KEY": STRONG_SECRET, "AOM_FIELD_KEY": FIELD_KEY, "ALLOWED_HOSTS": "aom.example.org"}
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_debug_is_off_when_the_environment_does_not_ask_for_it():
    result = manage("shell", "-c", "from django.conf import settings; print('DEBUG', settings.DEBUG)", **production())
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_without_debug_the_app_refuses_to_start_with_the_development_keys():
    # What a deployment that forgets every setting gets: a refusal, not the development secret.
    result = run_check()
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_the_field_key():
    result = run_check(**production(AOM_FIELD_KEY=None))
    assert result.returncode != 0
    assert "AOM_FIELD_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "secret, message",
    [
        ("x" * 50, "SECRET_KEY is too weak"),
        ("short-but-varied-123", "SECRET_KEY is too weak"),
        ("change-me-to-a-long-random-string", "SECRET_KEY is an example value"),
        ("django-insecure-" + STRONG_SECRET, "SECRET_KEY is an example value"),
    ],
)
def test_production_refuses_a_weak_secret_key_naming_it(secret, message):
    result = run_check(**production(SECRET_KEY=secret))
    assert result.returncode != 0
    assert message in result.stderr
    assert secret not in result.stderr


@pytest.mark.parametrize("debug", ["0", "1"])
@pytest.mark.parametrize("bad_key", ["ab" * 31, "zz" * 32, "ab" * 33, "ab12 " * 13])
def test_a_malformed_field_key_stops_the_start_in_any_mode_without_repeating_it(debug, bad_key):
    result = run_check(**production(AOM_FIELD_KEY=bad_key, DEBUG=debug))
    assert result.returncode != 0
    assert "AOM_FIELD_KEY must be 64 hex digits" in result.stderr
    assert bad_key.strip() not in result.stderr


def test_production_refuses_the_all_zero_development_field_key():
    result = run_check(**production(AOM_FIELD_KEY="00" * 32))
    assert result.returncode != 0
    assert "AOM_FIELD_KEY is the development key" in result.stderr


def test_development_uses_a_development_field_key_with_a_warning():
    result = run_check(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "AOM_FIELD_KEY is not set" in result.stderr


def test_production_starts_with_its_keys_set():
    result = run_check(**production())
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_is_clean_with_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout + result.stderr
