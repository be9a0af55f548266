"""The audit trail: the one way to record who did what.

    from aom import audit
    audit.record("customer_changed", request=request, target=customer, changes=audit.diff(before, customer))

`record()` takes the actor and the address from the request when one is given, and the entity
from the actor (or from the target, for the operator's actions). Call it inside the same
transaction as the change it records, so that a rolled-back change leaves no row behind and a
recorded change always has its row.

Never pass a secret (a vending key, a decoder key, a password) in `changes` or `detail`.
"""

import ipaddress
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from aom.models import AuditEvent

# The label shown to people for each action code. New codes may be added freely (no migration);
# the audit page lists these in its filter.
ACTIONS: dict[str, Any] = {
    "login": _("Inicio de sesión"),
    "login_failed": _("Inicio de sesión fallido"),
    "lockout": _("Cuenta bloqueada por intentos fallidos"),
    "unlock": _("Cuenta desbloqueada"),
    "logout": _("Cierre de sesión"),
    "password_changed": _("Contraseña cambiada"),
    "password_reset": _("Contraseña temporal asignada"),
    "customer_created": _("Usuario creado"),
    "customer_changed": _("Usuario modificado"),
    "meter_created": _("Medidor creado"),
    "meter_changed": _("Medidor modificado"),
    "product_changed": _("Producto modificado"),
    "biller_created": _("Facturador creado"),
    "biller_changed": _("Facturador modificado"),
    "license_created": _("Licencia creada"),
    "license_changed": _("Licencia modificada"),
    "entity_created": _("Entidad creada"),
    "entity_changed": _("Entidad modificada"),
    "account_created": _("Cuenta creada"),
    "account_changed": _("Cuenta modificada"),
    "receipt_issued": _("Comprobante emitido"),
    "receipt_reprinted": _("Comprobante reimpreso"),
    "import": _("Importación de Excel"),
    "export": _("Exportación de datos"),
}

# Field names that hold secrets: a vending or decoder key, a password, a sealed value.
_SECRET_SUFFIXES = ("_key", "password", "secret", "_sealed")


def record(
    action: str,
    *,
    request=None,
    actor=None,
    entity=None,
    target: Model | None = None,
    target_label: str = "",
    changes: dict | None = None,
    detail: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the trail and return it."""
    user = getattr(request, "user", None)
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    if entity is None and actor is not None:
        entity = getattr(actor, "entity", None)
    if entity is None and target is not None:
        entity = getattr(target, "entity", None)
    for name in changes or {}:
        if is_secret(name):
            raise ValueError(f"The audit trail never records a secret field ({name}).")
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=(actor_label or (actor.email if actor is not None else ""))[:254],
        entity=entity,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:200],
        changes=changes or {},
        detail=detail[:500],
        ip=client_ip(request),
    )


def is_secret(name: str) -> bool:
    return name.lower().endswith(_SECRET_SUFFIXES)


def label(action: str) -> str:
    """The label shown to people for an action code (the code itself for an unknown one)."""
    return str(ACTIONS.get(action, action))


def recorded_fields(model: type[Model]) -> list[str]:
    """The model's own columns that the trail may show before and after (never a secret)."""
    return [f.name for f in model._meta.concrete_fields if not f.primary_key and not is_secret(f.name)]


def client_ip(request) -> str | None:
    """The address the request came from: the audit trail's and the login limits' (settings.
    AXES_CLIENT_IP_CALLABLE). Behind AOM_PROXY_COUNT reverse proxies (nginx in deploy/), REMOTE_ADDR
    is the proxy's own; the client is the entry the proxies appended to X-Forwarded-For, counted
    from the right (entries further left were typed by the client and are not trusted)."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or ""
    proxies = getattr(settings, "AOM_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def snapshot(instance: Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `instance`, as JSON-safe text, to compare before and after."""
    values = {}
    for name in fields:
        value = getattr(instance, name, None)
        if isinstance(value, Model):
            value = str(value)
        values[name] = None if value is None else str(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """`{field: [before, after]}` for each field whose value changed between two snapshots."""
    return {name: [before.get(name), after.get(name)] for name in after if before.get(name) != after.get(name)}
