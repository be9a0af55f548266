"""Template tags shared by every page: the license banners and the development-key warning."""

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def field_key_is_dev() -> bool:
    return bool(getattr(settings, "AOM_FIELD_KEY_IS_DEV", False))


def license_notices(entity, now=None) -> list[tuple[str, str]]:
    """(level, text) of what every user of `entity` must know about its license now."""
    license = entity.current_license()
    if license is None:
        return [("danger", _("La entidad no tiene una licencia activa: no se pueden emitir comprobantes."))]
    now = now or timezone.now()
    until = timezone.localtime(license.valid_until)
    notices = []
    if license.is_expired(now):
        notices.append(
            ("danger", _("La licencia ha expirado el dia %(when)s") % {"when": until.strftime("%Y-%m-%d %H:%M:%S")})
        )
    elif license.expiry_warning(now):
        days = (license.valid_until - now).days
        text = ngettext(
            "La licencia vence el %(when)s (falta %(days)s día).",
            "La licencia vence el %(when)s (faltan %(days)s días).",
            days,
        )
        notices.append(("warning", text % {"when": until.strftime("%Y-%m-%d %H:%M"), "days": days}))
    if license.receipts_left <= 0:
        notices.append(("danger", _("ha excedido la cantidad de comprobantes asignadas")))
    elif license.range_warning():
        notices.append(
            (
                "warning",
                _("Quedan %(left)s de %(size)s comprobantes en el rango asignado (hasta el %(last)s).")
                % {
                    "left": license.receipts_left,
                    "size": license.range_size,
                    "last": license.format_number(license.receipt_to),
                },
            )
        )
    return notices


@register.inclusion_tag("license_banners.html", takes_context=True)
def license_banners(context):
    user = context.get("user")
    if user is None or not user.is_authenticated or user.entity_id is None:
        return {"notices": []}
    return {"notices": license_notices(user.entity)}
