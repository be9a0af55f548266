"""Failed logins are limited per account and per address (django-axes); administrators unlock
their billers, the operator unlocks anyone; every login, failure, lockout and unlock is audited."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from axes.models import AccessAttempt
from django.urls import reverse

from aom.models import AuditEvent
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent
LOGIN = reverse("login")
# 10:00 in Bogotá.
NOON_UTC = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def try_login(client, username, password="contraseña-equivocada", ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def lock_account(client, email, limit=5):
    """`limit` failures for one account, each from another address (so no address is locked)."""
    for n in range(limit):
        response = try_login(client, email, ip=f"10.1.0.{n + 1}")
    return response


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_failures_below_the_limit_are_answered_normally(client, biller):
    for _ in range(4):
        response = try_login(client, biller.email)
        assert response.status_code == 200
        assert "Demasiados intentos" not in response.content.decode()
    response = try_login(client, biller.email, f.PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_an_account_is_locked_after_five_failures_from_any_addresses(client, biller):
    response = lock_account(client, biller.email)
    assert response.status_code == 429
    response = try_login(client, biller.email, f.PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_account_lock_ignores_the_case_of_the_email(client, biller):
    lock_account(client, biller.email.upper())
    assert try_login(client, biller.email, f.PASSWORD, ip="10.9.9.9").status_code == 429


def test_another_account_still_logs_in_while_one_is_locked(client, biller, admin):
    lock_account(client, biller.email)
    response = try_login(client, admin.email, f.PASSWORD, ip="10.1.0.1")
    assert response.status_code == 302 and logged_in(client)


def test_logging_in_to_one_account_does_not_clear_the_failures_on_another(client, biller, other_biller):
    for _ in range(4):
        try_login(client, biller.email)
    assert try_login(client, other_biller.email, f.PASSWORD).status_code == 302  # same address
    client.logout()
    assert try_login(client, biller.email, ip="10.7.0.1").status_code == 429


def test_an_address_is_locked_after_five_failures_on_any_accounts(client, biller):
    for n in range(5):
        response = try_login(client, f"nadie{n}@example.org", ip="10.2.0.1")
    assert response.status_code == 429
    assert try_login(client, biller.email, f.PASSWORD, ip="10.2.0.1").status_code == 429
    assert not logged_in(client)
    # The same account from another address is not refused.
    response = try_login(client, biller.email, f.PASSWORD, ip="10.2.0.2")
    assert response.status_code == 302 and logged_in(client)


@time_machine.travel(NOON_UTC, tick=False)
def test_the_lockout_says_in_spanish_when_to_try_again(client, biller):
    response = lock_account(client, biller.email)
    html = response.content.decode()
    assert response.status_code == 429
    assert "Demasiados intentos fallidos de ingreso." in html
    assert "intente de nuevo a las 10:15 (en 15 minutos)" in html
    assert 'name="username"' in html  # the login page, not a bare error


@time_machine.travel(NOON_UTC, tick=False)
def test_the_cool_off_is_configurable_and_the_lock_lifts_after_it(client, biller, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    html = lock_account(client, biller.email).content.decode()
    assert "intente de nuevo a las 10:30 (en 30 minutos)" in html
    with time_machine.travel(NOON_UTC + timedelta(minutes=29), tick=False):
        assert try_login(client, biller.email, f.PASSWORD, ip="10.9.9.9").status_code == 429
    # Each refused attempt restarts the cool-off: 30 minutes after the last one it lifts.
    with time_machine.travel(NOON_UTC + timedelta(minutes=29 + 31), tick=False):
        response = try_login(client, biller.email, f.PASSWORD, ip="10.9.9.9")
        assert response.status_code == 302 and logged_in(client)


def test_the_admin_login_is_limited_too(client, operator):
    for n in range(5):
        response = client.post(
            reverse("admin:login"), {"username": operator.email, "password": "mala"}, REMOTE_ADDR=f"10.8.0.{n}"
        )
    assert response.status_code == 429
    assert "Demasiados intentos fallidos" in response.content.decode()
    response = client.post(reverse("admin:login"), {"username": operator.email, "password": f.PASSWORD})
    assert response.status_code == 429 and not logged_in(client)


def test_the_administrator_sees_and_unlocks_a_locked_biller(client, admin, biller):
    lock_account(client, biller.email)
    client.force_login(admin)
    html = client.get(reverse("licensing:billers")).content.decode()
    assert "Bloqueado por intentos fallidos" in html
    assert reverse("licensing:biller_unlock", args=[biller.pk]) in html
    response = client.post(reverse("licensing:biller_unlock", args=[biller.pk]))
    assert response.status_code == 302
    assert "Bloqueado por intentos fallidos" not in client.get(reverse("licensing:billers")).content.decode()
    client.logout()
    response = try_login(client, biller.email, f.PASSWORD, ip="10.9.9.9")
    assert response.status_code == 302 and logged_in(client)
    event = AuditEvent.objects.get(action="unlock")
    assert (event.actor, event.entity, event.target_id) == (admin, admin.entity, str(biller.pk))


def test_an_unlocked_biller_is_not_offered_an_unlock(client, admin, biller):
    client.force_login(admin)
    html = client.get(reverse("licensing:billers")).content.decode()
    assert reverse("licensing:biller_unlock", args=[biller.pk]) not in html


def test_a_biller_cannot_unlock_another_biller(client, biller, other_biller):
    lock_account(client, biller.email)
    client.force_login(other_biller)
    assert client.post(reverse("licensing:biller_unlock", args=[biller.pk])).status_code == 403
    assert AccessAttempt.objects.filter(username=biller.email).exists()
    assert not AuditEvent.objects.filter(action="unlock").exists()


def test_another_entitys_administrator_cannot_unlock_the_biller(client, biller, other_admin):
    lock_account(client, biller.email)
    client.force_login(other_admin)
    assert client.post(reverse("licensing:biller_unlock", args=[biller.pk])).status_code == 404
    assert AccessAttempt.objects.filter(username=biller.email).exists()


def test_the_operator_unlocks_any_account_from_the_admin(client, operator, admin):
    lock_account(client, admin.email)
    client.force_login(operator)
    response = client.post(
        reverse("admin:aom_user_changelist"), {"action": "unlock", "_selected_action": [admin.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username=admin.email).exists()
    client.logout()
    assert try_login(client, admin.email, f.PASSWORD, ip="10.9.9.9").status_code == 302
    event = AuditEvent.objects.get(action="unlock")
    assert (event.actor, event.entity, event.target_id) == (operator, admin.entity, str(admin.pk))


def test_the_operator_unlocks_an_address_from_the_admin(client, operator, biller):
    for n in range(5):
        try_login(client, f"nadie{n}@example.org", ip="10.2.0.1")
    client.force_login(operator)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert client.get(changelist).status_code == 200
    ids = list(AccessAttempt.objects.filter(ip_address="10.2.0.1").values_list("pk", flat=True))
    client.post(changelist, {"action": "unlock_selected", "_selected_action": ids})
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert try_login(client, biller.email, f.PASSWORD, ip="10.2.0.1").status_code == 302
    assert AuditEvent.objects.filter(action="unlock", actor=operator).count() == 5


def test_entity_users_cannot_see_the_attempts_in_the_admin(client, admin):
    client.force_login(admin)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


# -- the audit trail of logins ---------------------------------------------------------------------
def test_a_login_is_audited_with_who_and_from_where(client, biller):
    try_login(client, biller.email, f.PASSWORD, ip="10.3.0.7")
    event = AuditEvent.objects.get(action="login")
    assert (event.actor, event.entity, event.ip, event.actor_label) == (biller, biller.entity, "10.3.0.7", biller.email)


def test_a_logout_is_audited(client, biller):
    client.force_login(biller)
    client.post(reverse("logout"), REMOTE_ADDR="10.3.0.9")
    event = AuditEvent.objects.get(action="logout")
    assert (event.actor, event.entity, event.ip) == (biller, biller.entity, "10.3.0.9")


def test_a_failed_login_is_audited_in_the_accounts_entity_without_the_password(client, biller):
    try_login(client, " Bruno@Example.org ", "secreto-tecleado", ip="10.3.0.8")
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor is None
    assert (event.actor_label, event.entity, event.target_id, event.ip) == (
        biller.email,
        biller.entity,
        str(biller.pk),
        "10.3.0.8",
    )
    assert "secreto-tecleado" not in str(AuditEvent.objects.values_list())


def test_a_failed_login_on_an_unknown_account_belongs_to_no_entity(client, entity):
    try_login(client, "desconocido@example.org")
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.actor_label, event.entity) == ("desconocido@example.org", None)


def test_a_lockout_is_audited_once_when_it_begins(client, biller):
    lock_account(client, biller.email)
    try_login(client, biller.email, f.PASSWORD, ip="10.9.9.9")  # refused while locked
    events = AuditEvent.objects.filter(action="lockout")
    assert events.count() == 1
    event = events.get()
    assert (event.actor_label, event.entity, event.target_id) == (biller.email, biller.entity, str(biller.pk))
    assert AuditEvent.objects.filter(action="login_failed").count() == 6


def settings_under(**env) -> dict:
    """The settings module's values when started with these environment variables."""
    code = (
        "import json; from aom import settings as s; "
        "print(json.dumps([s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), "
        "s.SESSION_COOKIE_AGE, 'aom.middleware.SessionIdleMiddleware' in s.MIDDLEWARE]))"
    )
    names = ("AOM_LOGIN_FAILURE_LIMIT", "AOM_LOGIN_COOLOFF_MINUTES", "SESSION_IDLE_HOURS")
    full = {k: v for k, v in os.environ.items() if k not in names} | {"DEBUG": "1"} | env
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    limit, cool_off, idle, idle_middleware = json.loads(result.stdout)
    return {"limit": limit, "cool_off": cool_off, "idle": idle, "idle_middleware": idle_middleware}


def test_limits_and_idle_time_have_safe_defaults_and_are_read_from_the_environment():
    defaults = settings_under()
    assert defaults == {"limit": 5, "cool_off": 15 * 60, "idle": 8 * 3600, "idle_middleware": True}
    chosen = settings_under(AOM_LOGIN_FAILURE_LIMIT="3", AOM_LOGIN_COOLOFF_MINUTES="60", SESSION_IDLE_HOURS="0.5")
    assert chosen == {"limit": 3, "cool_off": 3600, "idle": 1800, "idle_middleware": True}


# -- behind the reverse proxy ----------------------------------------------------------------------
def behind_nginx(client, username, password, forwarded):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )


def test_behind_the_proxy_each_client_address_is_locked_on_its_own(client, biller, settings):
    settings.AOM_PROXY_COUNT = 1
    for n in range(5):
        behind_nginx(client, f"nadie{n}@example.org", "mala", "10.6.0.1")
    assert behind_nginx(client, biller.email, f.PASSWORD, "10.6.0.1").status_code == 429
    # Everyone else reaches the app from the same proxy address, and is not locked out.
    response = behind_nginx(client, biller.email, f.PASSWORD, "10.6.0.2")
    assert response.status_code == 302 and logged_in(client)
    assert AuditEvent.objects.get(action="login").ip == "10.6.0.2"


def test_an_address_typed_by_the_client_into_the_header_is_not_trusted(client, biller, settings):
    settings.AOM_PROXY_COUNT = 1
    for n in range(5):
        # nginx appends the real peer; whatever the client sent comes before it.
        behind_nginx(client, f"nadie{n}@example.org", "mala", f"192.0.2.{n}, 10.6.0.1")
    assert behind_nginx(client, biller.email, f.PASSWORD, "10.6.0.1").status_code == 429


def test_a_malformed_address_is_recorded_as_unknown(client, biller, settings):
    settings.AOM_PROXY_COUNT = 1
    behind_nginx(client, biller.email, "mala", "not-an-address")
    assert AuditEvent.objects.get(action="login_failed").ip is None
