"""Users and roles.

Every account but the operator's belongs to one entity and has one role: an administrator runs
the entity's back office, a biller ("facturador") sells recharges at a recharge point. The
operator is a Django superuser without an entity and works in the Django admin only.
"""

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrador")
        BILLER = "biller", _("Facturador")

    email = models.EmailField(_("correo electrónico"), unique=True)
    full_name = models.CharField(_("nombre completo"), max_length=150)
    identification = models.CharField(_("identificación"), max_length=20, blank=True)
    entity = models.ForeignKey(
        "licensing.Entity",
        verbose_name=_("entidad"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    role = models.CharField(_("rol"), max_length=10, choices=Role.choices, default=Role.BILLER)
    is_active = models.BooleanField(_("activo"), default=True)
    is_staff = models.BooleanField(_("acceso al admin"), default=False)
    date_joined = models.DateTimeField(_("fecha de alta"), default=timezone.now)
    # Set when an administrator (or the operator) gives the account a temporary password: every
    # page but the password change sends the person there until they choose their own.
    must_change_password = models.BooleanField(_("debe cambiar la contraseña"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("cuenta")
        verbose_name_plural = _("cuentas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_superuser=True) | models.Q(entity__isnull=False),
                name="user_entity_required_unless_superuser",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_admin(self) -> bool:
        return self.entity_id is not None and self.role == self.Role.ADMIN

    @property
    def is_biller(self) -> bool:
        return self.entity_id is not None and self.role == self.Role.BILLER


class AuditQuerySet(models.QuerySet):
    """Refuses the bulk writes that would bypass `AuditEvent.save()` and `AuditEvent.delete()`."""

    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")

    update.queryset_only = True
    delete.queryset_only = True

    def for_entity(self, entity) -> "AuditQuerySet":
        return self.filter(entity=entity)


class AuditEvent(models.Model):
    """One thing someone did: who, what, on which object, when, from where. Append-only.

    Written only through `aom.audit.record()`. `action` is a short code (see `aom.audit.ACTIONS`
    for the labels shown to people); it is a plain string column so that new actions need no
    migration. `changes` maps a field name to `[before, after]`; it never holds a secret.
    """

    at = models.DateTimeField(_("fecha"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("cuenta"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The account's e-mail when it acted, or what was typed on a failed login.
    actor_label = models.CharField(_("quién"), max_length=254, blank=True)
    entity = models.ForeignKey(
        "licensing.Entity", verbose_name=_("entidad"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("acción"), max_length=40, db_index=True)
    target_type = models.CharField(_("tipo de objeto"), max_length=60, blank=True)
    target_id = models.CharField(_("id del objeto"), max_length=64, blank=True)
    target_label = models.CharField(_("objeto"), max_length=200, blank=True)
    changes = models.JSONField(_("cambios"), default=dict, blank=True)
    detail = models.CharField(_("detalle"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("registro de auditoría")
        verbose_name_plural = _("registros de auditoría")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["entity", "-at"], name="audit_entity_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def changes_text(self) -> str:
        """`field: before → after; …`, as the audit page and its export show the changes, each
        field by its name shown to people when the target's model still has it."""
        parts = []
        for name, values in (self.changes or {}).items():
            before, after = values if isinstance(values, list) and len(values) == 2 else (None, values)
            label = self._field_label(name)
            parts.append(f"{label}: {'—' if before is None else before} → {'—' if after is None else after}")
        return "; ".join(parts)

    def _field_label(self, name: str) -> str:
        try:
            return str(apps.get_model(self.target_type)._meta.get_field(name).verbose_name)
        except (LookupError, ValueError, FieldDoesNotExist):
            return name
