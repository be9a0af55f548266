"""The Django admin is the operator's tool: only active superusers get in."""

from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aom import audit, logins
from aom.models import AuditEvent, User


def superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only
if admin.site.is_registered(Group):  # roles are User.role; groups are not used
    admin.site.unregister(Group)
admin.site.site_header = _("AOM · operador")
admin.site.site_title = _("AOM · operador")


def password_change(request, extra_context=None):
    """The operator changes their own password on the page every account uses (one audited place)."""
    return redirect("password_change")


admin.site.password_change = password_change


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


class AuditedAdmin(admin.ModelAdmin):
    """Records each object the operator adds or changes in the audit trail, with the fields that
    changed before and after (never a secret: see `aom.audit.recorded_fields`)."""

    audit_actions: tuple[str, str]  # (created, changed)

    def audit_detail(self, form) -> str:
        return ""

    def audit_entity(self, obj):
        """The entity whose trail shows the change (the operator has none of their own)."""
        return getattr(obj, "entity", None)

    def save_model(self, request, obj, form, change):
        fields = audit.recorded_fields(type(obj))
        manager = type(obj)._default_manager
        before = audit.snapshot(manager.get(pk=obj.pk), fields) if change else {}
        super().save_model(request, obj, form, change)
        # Both read back from the database, so that a value typed as "19" equals a stored "19.00".
        changes = audit.diff(before, audit.snapshot(manager.get(pk=obj.pk), fields))
        detail = self.audit_detail(form)
        if change and not changes and not detail:
            return
        # The admin saves in a transaction (changeform_view): the row commits with the change.
        audit.record(
            self.audit_actions[change],
            request=request,
            entity=self.audit_entity(obj),
            target=obj,
            changes=changes,
            detail=detail,
        )


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    audit_actions = ("account_created", "account_changed")
    actions = ["unlock"]
    list_display = ["email", "full_name", "entity", "role", "is_active", "is_superuser"]
    list_filter = ["entity", "role", "is_active", "is_superuser"]
    list_select_related = ["entity"]
    search_fields = ["email", "full_name", "identification"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Datos"), {"fields": ["full_name", "identification", "entity", "role"]}),
        (_("Acceso"), {"fields": ["is_active", "must_change_password", "is_superuser", "is_staff"]}),
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

    @admin.action(description=_("Desbloquear los ingresos de las cuentas seleccionadas"))
    def unlock(self, request, queryset):
        for user in queryset:
            logins.unlock(user, request=request)
        self.message_user(request, _("Cuentas desbloqueadas."), messages.SUCCESS)

    def user_change_password(self, request, id, form_url=""):
        """The operator's new password for another account is temporary: its owner must change it."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                if user.pk != request.user.pk:
                    User.objects.filter(pk=user.pk).update(must_change_password=True)
                    audit.record("password_reset", request=request, target=user)
                else:
                    audit.record("password_changed", request=request, target=user)
        return response


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Every entity's trail, for reading only: rows are never added, changed or deleted here."""

    list_display = ["at", "actor_label", "entity", "action_label", "target_label", "ip"]
    list_filter = ["action", "entity", "at"]
    list_select_related = ["entity"]
    search_fields = ["actor_label", "target_label", "detail", "ip"]
    date_hierarchy = "at"

    @admin.display(description=_("acción"), ordering="action")
    def action_label(self, obj):
        return audit.label(obj.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(BaseAccessAttemptAdmin):
    """Failed login attempts by account and address; deleting them unlocks (and is audited)."""

    actions = ["unlock_selected"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # unlock_selected deletes, with its audit rows
        return actions

    @admin.action(description=_("Desbloquear (borrar los intentos seleccionados)"))
    def unlock_selected(self, request, queryset):
        attempts = list(queryset)
        logins.unlock_attempts(attempts, request=request)
        self.message_user(
            request,
            ngettext("%(n)s registro de intentos borrado.", "%(n)s registros de intentos borrados.", len(attempts))
            % {"n": len(attempts)},
            messages.SUCCESS,
        )

    def delete_model(self, request, obj):
        logins.unlock_attempts([obj], request=request)
