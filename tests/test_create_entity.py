"""`manage.py create_entity`: an entity, its license and its first administrator, or nothing."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from aom.models import User
from licensing.models import Entity, License

ROOT = Path(__file__).resolve().parent.parent
KEY = "0123456789ABCDEF"
GOOD_PASSWORD = "recarga-Solar-2026"


def args(**kw):
    values = {
        "name": "Cooperativa del Llano",
        "nit": "900555444",
        "city": "Puerto López",
        "sponsor": "Gobernación del Meta",
        "vending-key": KEY,
        "supply-group-code": "600100",
        "valid-until": "2099-12-31",
        "max-customers": "500",
        "receipt-from": "1",
        "receipt-to": "10000",
        "receipt-prefix": "FE",
        "admin-email": "Jefa@Llano.example.org",
        "admin-name": "Jefa del Llano",
        "admin-password": GOOD_PASSWORD,
    }
    values.update(kw)
    out = []
    for name, value in values.items():
        if value is not None:
            out += [f"--{name}", value]
    return out


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_entity", *argv, stdout=out, stderr=err)
    return out.getvalue()


def nothing_created():
    return not Entity.objects.exists() and not License.objects.exists() and not User.objects.exists()


def test_it_creates_the_entity_license_and_administrator(db):
    output = run(*args())
    entity = Entity.objects.get(nit="900555444")
    assert entity.vending_key() == bytes.fromhex(KEY)
    assert (entity.city, entity.sponsor, entity.key_derivation, entity.base_date) == (
        "Puerto López",
        "Gobernación del Meta",
        "02",
        2014,
    )
    license = entity.current_license()
    assert (license.receipt_prefix, license.receipt_from, license.receipt_to) == ("FE", 1, 10000)
    assert license.max_customers == 500
    admin = User.objects.get(email="jefa@llano.example.org")
    assert admin.is_admin and admin.entity == entity and admin.check_password(GOOD_PASSWORD)
    assert KEY not in output and KEY.lower() not in output
    assert GOOD_PASSWORD not in output


def test_a_date_means_the_end_of_that_day_in_bogota(db):
    run(*args())
    from django.utils import timezone

    until = timezone.localtime(License.objects.get().valid_until)
    assert until.strftime("%Y-%m-%d %H:%M:%S") == "2099-12-31 23:59:59"


def test_a_generated_password_is_printed_once(db):
    output = run(*args(**{"admin-password": None}), "--generate-password")
    line = next(x for x in output.splitlines() if x.startswith("Password"))
    password = line.split(": ", 1)[1]
    assert User.objects.get().check_password(password)


def test_dkga04_and_a_logo(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    logo = tmp_path / "logo.png"
    Image.new("RGB", (30, 30)).save(logo)
    run(*args(**{"vending-key": "ab" * 20, "key-derivation": "DKGA04", "logo": str(logo)}))
    entity = Entity.objects.get()
    assert entity.key_derivation == "04" and len(entity.vending_key()) == 20
    assert entity.logo.name.startswith("logos/logo")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"vending-key": KEY[:-1]}, "--vending-key: La clave de venta debe tener 16 dígitos hexadecimales"),
        ({"vending-key": "XYZ3456789ABCDEF"}, "--vending-key:"),
        ({"key-derivation": "DKGA09"}, "--key-derivation:"),
        ({"supply-group-code": "12"}, "--supply-group-code:"),
        ({"tariff-index": "1"}, "--tariff-index:"),
        ({"key-revision": "10"}, "--key-revision:"),
        ({"key-revision": "uno"}, "--key-revision: debe ser un número entero."),
        ({"base-date": "2000"}, "--base-date:"),
        ({"email": "no-es-correo"}, "--email:"),
        ({"name": "  "}, "--name:"),
        ({"valid-until": "31/12/2099"}, "--valid-until:"),
        ({"valid-until": "2001-01-01"}, "--valid-until: la fecha ya pasó."),
        ({"max-customers": "0"}, "--max-customers:"),
        ({"receipt-from": "0"}, "--receipt-from:"),
        ({"receipt-from": "500", "receipt-to": "100"}, "--receipt-to:"),
        ({"admin-email": "jefa"}, "--admin-email:"),
        ({"admin-name": " "}, "--admin-name:"),
        ({"admin-password": "12345678"}, "--admin-password:"),
        ({"logo": "/nonexistent/logo.png"}, "--logo:"),
    ],
)
def test_each_bad_argument_fails_with_one_line_exit_2_and_nothing_created(db, override, message):
    with pytest.raises(CommandError) as e:
        run(*args(**override))
    assert e.value.returncode == 2
    text = str(e.value)
    assert "\n" not in text
    assert text.startswith(message)
    assert KEY not in text
    assert nothing_created()


def test_a_used_email_fails_and_creates_nothing(db, other_admin):
    entities = Entity.objects.count()
    with pytest.raises(CommandError, match="--admin-email: ya existe una cuenta") as e:
        run(*args(**{"admin-email": "OTTO@example.org"}))
    assert e.value.returncode == 2
    assert Entity.objects.count() == entities


def test_a_bad_logo_file_is_refused(db, tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_text("not an image")
    with pytest.raises(CommandError, match="--logo: El logo debe ser una imagen PNG o JPEG válida."):
        run(*args(logo=str(fake)))
    assert nothing_created()


def test_a_failure_while_saving_rolls_everything_back(db, monkeypatch):
    def boom(*a, **kw):
        raise RuntimeError("database went away")

    monkeypatch.setattr(User, "save", boom)
    with pytest.raises(RuntimeError):
        run(*args())
    assert nothing_created()


def command_line(*argv, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env["DEBUG"] = "1"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    return subprocess.run(
        [sys.executable, "manage.py", "create_entity", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def stderr_lines(result):
    return [
        x for x in result.stderr.splitlines() if x.strip() and "AOM_FIELD_KEY" not in x and "warnings.warn" not in x
    ]


def test_from_the_shell_a_bad_key_is_one_line_on_stderr_exit_2_never_echoed(tmp_path):
    secret = "0123456789ABCDE"
    result = command_line(*args(**{"vending-key": secret}), tmp_path=tmp_path)
    assert result.returncode == 2
    lines = stderr_lines(result)
    assert len(lines) == 1 and lines[0].startswith("CommandError: --vending-key:")
    assert secret not in result.stderr + result.stdout


def test_from_the_shell_a_missing_option_exits_2(tmp_path):
    result = command_line("--name", "X", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "required" in result.stderr


def test_without_a_password_option_it_is_asked_twice_on_a_terminal(db, monkeypatch):
    typed = iter([GOOD_PASSWORD, GOOD_PASSWORD])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    output = run(*args(**{"admin-password": None}))
    assert User.objects.get().check_password(GOOD_PASSWORD)
    assert GOOD_PASSWORD not in output and "Password" not in output


def test_two_different_passwords_typed_create_nothing(db, monkeypatch):
    typed = iter([GOOD_PASSWORD, GOOD_PASSWORD + "x"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    with pytest.raises(CommandError, match="--admin-password: las dos contraseñas no coinciden.") as e:
        run(*args(**{"admin-password": None}))
    assert e.value.returncode == 2
    assert nothing_created()


def test_the_vending_key_can_come_from_standard_input(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env["DEBUG"] = "1"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'stdin.sqlite3'}"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    argv = args(**{"vending-key": "-"})
    result = subprocess.run(
        [sys.executable, "manage.py", "create_entity", *argv],
        cwd=ROOT,
        env=env,
        input=KEY + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stdout + result.stderr
    check = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from licensing.models import Entity; print(bytes(Entity.objects.get().vending_key()).hex())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.stdout.strip().splitlines()[-1] == KEY.lower()


def test_an_empty_standard_input_is_a_clear_error(tmp_path):
    result = command_line(*args(**{"vending-key": "-"}), tmp_path=tmp_path)
    assert result.returncode == 2
    assert stderr_lines(result)[0].startswith("CommandError: --vending-key:")
