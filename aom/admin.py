"""The Django admin is the operator's tool: only active superusers get in."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from aom.models import User


def superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only
if admin.site.is_registered(Group):  # roles are User.role; groups are not used
    admin.site.unregister(Group)
admin.site.site_header = _("AOM · operador")
admin.site.site_title = _("AOM · operador")


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "identification", "entity", "role"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Ya existe una cuenta con este correo electrónico."))
        return email

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("entity"):
            self.add_error("entity", _("Las cuentas de administrador y facturador pertenecen a una entidad."))
        return cleaned


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "entity", "role", "is_active", "is_superuser"]
    list_filter = ["entity", "role", "is_active", "is_superuser"]
    list_select_related = ["entity"]
    search_fields = ["email", "full_name", "identification"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Datos"), {"fields": ["full_name", "identification", "entity", "role"]}),
        (_("Acceso"), {"fields": ["is_active", "is_superuser", "is_staff"]}),
        (_("Fechas"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "identification", "entity", "role", "password1", "password2"],
            },
        )
    ]
    filter_horizontal = []
