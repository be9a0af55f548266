"""The operator's Django admin for entities and their licenses (superusers only, see aom.admin)."""

from django.contrib import admin
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from aom.admin import AuditedAdmin
from licensing.forms import EntityAdminForm, LicenseAdminForm
from licensing.models import Entity, License


class LicenseInline(admin.TabularInline):
    """The entity's licenses, for reading; they are added and edited in their own admin."""

    model = License
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = ["valid_until", "max_customers", "receipt_prefix", "receipt_from", "receipt_to", "left"]

    @admin.display(description=_("comprobantes restantes"))
    def left(self, obj):
        return obj.receipts_left if obj.pk else ""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Entity)
class EntityAdmin(AuditedAdmin):
    form = EntityAdminForm
    audit_actions = ("entity_created", "entity_changed")
    list_display = ["name", "nit", "city", "supply_group_code", "key_derivation", "has_key"]
    search_fields = ["name", "nit", "city"]
    inlines = [LicenseInline]
    fieldsets = [
        (None, {"fields": ["name", "nit", "address", "city", "phone", "email", "web", "logo", "sponsor"]}),
        (
            _("Parámetros STS"),
            {
                "fields": [
                    "vending_key",
                    "supply_group_code",
                    "tariff_index",
                    "key_revision",
                    "key_type",
                    "base_date",
                    "key_derivation",
                ]
            },
        ),
    ]

    def audit_entity(self, obj):
        return obj

    def audit_detail(self, form) -> str:
        # The key itself is never recorded, only that a new one was typed.
        return str(_("Clave de venta nueva")) if getattr(form, "_vending_key", None) is not None else ""

    @admin.display(boolean=True, description=_("clave de venta"))
    def has_key(self, obj):
        return obj.has_vending_key

    @method_decorator(sensitive_post_parameters("vending_key"))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False  # entities own receipts; they are never deleted


@admin.register(License)
class LicenseAdmin(AuditedAdmin):
    form = LicenseAdminForm
    audit_actions = ("license_created", "license_changed")
    list_display = ["entity", "valid_until", "max_customers", "range", "used", "left"]
    list_select_related = ["entity"]
    list_filter = ["entity"]
    fields = ["entity", "valid_until", "max_customers", "receipt_prefix", "receipt_from", "receipt_to"]

    @admin.display(description=_("rango"))
    def range(self, obj):
        return f"{obj.receipt_prefix}{obj.receipt_from} – {obj.receipt_prefix}{obj.receipt_to}"

    @admin.display(description=_("comprobantes usados"))
    def used(self, obj):
        return obj.receipts_used

    @admin.display(description=_("comprobantes restantes"))
    def left(self, obj):
        return obj.receipts_left

    def get_readonly_fields(self, request, obj=None):
        # A license's numbering starts where it starts: a new range is a new license.
        return ["entity", "receipt_prefix", "receipt_from"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False
