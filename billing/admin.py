from django.contrib import admin

from billing.models import Product, Receipt, ReceiptPrint


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["entity", "description", "iva_percent", "price_per_kwh", "updated_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Receipts and their print log are append-only: the admin may look, never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["full_number", "entity", "customer_name", "customer_identification", "kwh", "total", "issued_at"]
    list_filter = ["entity"]
    search_fields = ["number", "customer_name", "customer_identification", "code"]
    date_hierarchy = "issued_at"
    show_full_result_count = False


@admin.register(ReceiptPrint)
class ReceiptPrintAdmin(ReadOnlyAdmin):
    list_display = ["receipt", "format", "as_pdf", "user", "printed_at"]
