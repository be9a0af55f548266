"""Customers and meters in the operator's admin: read-only (administrators manage them in the app)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers import rules
from customers.models import Customer, Meter


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "id_type", "identification", "phone", "entity"]
    list_filter = ["entity"]
    list_select_related = ["entity"]
    search_fields = ["full_name", "identification"]
    search_help_text = _("Nombre (sin importar tildes ni mayúsculas), identificación, celular o serial.")

    def get_search_results(self, request, queryset, search_term):
        """The same search as the administrators' list: `rules.search_key` on the stored
        `search_name`, the identification in its stored form."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), True


@admin.register(Meter)
class MeterAdmin(ReadOnlyAdmin):
    list_display = ["drn", "customer", "entity", "installed_on", "is_active"]
    list_filter = ["entity", "is_active"]
    list_select_related = ["entity", "customer"]
    search_fields = ["drn", "customer__identification", "customer__full_name"]

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        ident = rules.identification_key(search_term)
        cond = Q(customer__search_name__contains=rules.search_key(search_term))
        if ident:
            cond |= Q(drn__contains=ident) | Q(customer__identification__contains=ident)
        return queryset.filter(cond), False
