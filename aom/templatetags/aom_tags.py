"""Template tags shared by every page: the license banners and the development-key warning."""

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from licensing.models import License

register = template.Library()


@register.simple_tag
def field_key_is_dev() -> bool:
    return bool(getattr(settings, "AOM_FIELD_KEY_IS_DEV", False))


def license_notices(license, now=None) -> list[tuple[str, str]]:
    """(level, text) of what every user of the entity must know about its current `license`."""
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


@register.simple_tag
def license_notices_for(user) -> list[tuple[str, str]]:
    """The license notices of the user's entity, in one query that also loads the entity.

    base.html calls this before the menu, so the entity's name shown there costs nothing more.
    """
    if user is None or not user.is_authenticated or user.entity_id is None:
        return []
    license = License.objects.select_related("entity").filter(entity_id=user.entity_id).order_by("-id").first()
    if license is not None:
        user.entity = license.entity
    return license_notices(license)
