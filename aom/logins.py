"""Logins: the limit on failed attempts (django-axes), unlocking, and their audit trail.

After `AXES_FAILURE_LIMIT` failures within `AXES_COOLOFF_TIME`, logins are refused for the account
typed and, separately, for the address they came from (settings.AXES_LOCKOUT_PARAMETERS). The
person sees the login page again with a Spanish message saying when to try again; the lock lifts
by itself after the cool-off, or when an administrator unlocks a biller of their entity
(`licensing:biller_unlock`) or the operator unlocks anyone (Django admin).

Every login, logout, failed login, lockout and unlock is written to the audit trail (`aom.audit`).
"""

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aom import audit


def typed_username(request, credentials: dict | None) -> str | None:
    """The e-mail typed, as the account matches it (case and surrounding spaces ignored), so that
    `Ana@X.org` and `ana@x.org` count as the same account."""
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD)
    elif request is not None:
        value = request.POST.get("username")
    if not isinstance(value, str):
        return None
    return value.strip().lower() or None


def cool_off() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def lockout_message(now=None) -> str:
    """The Spanish sentence saying when the person may try again."""
    minutes = int(cool_off().total_seconds() // 60)
    until = timezone.localtime((now or timezone.now()) + cool_off())
    return ngettext(
        "Demasiados intentos fallidos de ingreso. Por seguridad, el ingreso está bloqueado: intente de "
        "nuevo a las %(time)s (en %(minutes)s minuto) o pida al administrador de su entidad que "
        "desbloquee su cuenta.",
        "Demasiados intentos fallidos de ingreso. Por seguridad, el ingreso está bloqueado: intente de "
        "nuevo a las %(time)s (en %(minutes)s minutos) o pida al administrador de su entidad que "
        "desbloquee su cuenta.",
        minutes,
    ) % {"time": until.strftime("%H:%M"), "minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The login page again (HTTP 429) with the lockout message (settings.AXES_LOCKOUT_CALLABLE)."""
    form = AuthenticationForm(request, initial={"username": typed_username(request, credentials) or ""})
    context = {"form": form, "next": request.POST.get("next", ""), "lockout_message": lockout_message()}
    return render(request, "registration/login.html", context, status=429)


def _attempts_within_cool_off():
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off())


def locked_usernames(usernames) -> set[str]:
    """Which of these accounts (e-mails) are locked now by their own failed attempts."""
    rows = (
        _attempts_within_cool_off()
        .filter(username__in=list(usernames))
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


def unlock(user, *, request) -> int:
    """Clear the account's failed attempts (which also counted against their addresses) and
    record who unlocked it. Returns how many attempt records were cleared."""
    with transaction.atomic():
        count = AxesProxyHandler.reset_attempts(username=user.email)
        audit.record("unlock", request=request, target=user, target_label=user.email)
    return count


def unlock_attempts(attempts, *, request) -> None:
    """Clear these attempt records (an address or an account, from the operator's admin)."""
    User = get_user_model()
    with transaction.atomic():
        for attempt in attempts:
            user = User.objects.filter(email__iexact=attempt.username or "").first()
            audit.record(
                "unlock",
                request=request,
                target=user,
                target_label=attempt.username or "",
                detail=_("Dirección %(ip)s") % {"ip": attempt.ip_address or "-"},
            )
            attempt.delete()


def _account(username: str | None):
    if not username:
        return None
    return get_user_model().objects.filter(email__iexact=username).select_related("entity").first()


def _on_login(sender, request, user, **kwargs):
    audit.record("login", request=request, actor=user)


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("logout", request=request, actor=user)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = typed_username(request, credentials)
    audit.record("login_failed", request=request, actor_label=username or "", target=_account(username))


def _on_locked_out(sender, request, username, ip_address, **kwargs):
    # Each refused attempt during a lockout is reported again; record the moment it began.
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures != settings.AXES_FAILURE_LIMIT:
        return
    audit.record(
        "lockout",
        request=request,
        actor_label=username or "",
        target=_account(username),
        detail=_("%(n)s intentos fallidos") % {"n": settings.AXES_FAILURE_LIMIT},
    )


def connect() -> None:
    """Connect the audit trail to the login signals (called once from AomConfig.ready)."""
    user_logged_in.connect(_on_login, dispatch_uid="aom.audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="aom.audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="aom.audit.login_failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="aom.audit.lockout")
