"""Customers and meters in the operator's admin: read-only (administrators manage them in the app)."""

from django.contrib import admin

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


@admin.register(Meter)
class MeterAdmin(ReadOnlyAdmin):
    list_display = ["drn", "customer", "entity", "installed_on", "is_active"]
    list_filter = ["entity", "is_active"]
    list_select_related = ["entity", "customer"]
    search_fields = ["drn", "customer__identification", "customer__full_name"]
