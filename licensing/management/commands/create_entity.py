"""Create an entity, its license and its first administrator from the command line.

    python manage.py create_entity --name "Cooperativa Solar" --nit 900123456 \\
        --supply-group-code 123456 --vending-key 0123456789ABCDEF \\
        --valid-until 2027-12-31 --max-customers 500 --receipt-from 1 --receipt-to 10000 \\
        --admin-email ana@example.org --admin-name "Ana Pérez"

The vending key is read as hex and never echoed. Without --admin-password the password is
asked twice on a terminal, or generated and printed once (--generate-password, or no terminal).
Any bad argument prints one line on stderr, exits with status 2 and creates nothing.
"""

import getpass
import secrets
import sys
from datetime import datetime, time
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from aom import audit
from aom.models import User
from licensing.models import Entity, License, parse_vending_key, validate_logo

ENTITY_FIELDS = ["name", "nit", "address", "city", "phone", "email", "web", "sponsor"]
DERIVATIONS = {"02": "02", "DKGA02": "02", "04": "04", "DKGA04": "04"}


def fail(message: str) -> CommandError:
    return CommandError(" ".join(str(message).split()), returncode=2)


def first_error(error: ValidationError, prefix: str = "") -> str:
    """One line naming the option and the first problem with it."""
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        option = "" if field == "__all__" else f"--{prefix}{field.replace('_', '-')}: "
        return option + " ".join(errors[0].messages)
    return " ".join(error.messages)


def parse_valid_until(text: str) -> datetime:
    """YYYY-MM-DD (valid to the end of that day) or YYYY-MM-DD HH:MM, in the local time zone."""
    text = text.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(datetime.strptime(text, "%Y-%m-%d").date(), time(23, 59, 59))
        else:
            moment = datetime.strptime(text.replace("T", " "), "%Y-%m-%d %H:%M")
    except ValueError:
        raise fail("--valid-until: " + _("use AAAA-MM-DD o 'AAAA-MM-DD HH:MM'.")) from None
    return timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Create an entity with its license and its first administrator account."

    def add_arguments(self, parser):
        e = parser.add_argument_group("entity")
        e.add_argument("--name", required=True)
        e.add_argument("--nit", required=True)
        e.add_argument("--address", default="")
        e.add_argument("--city", default="")
        e.add_argument("--phone", default="")
        e.add_argument("--email", default="")
        e.add_argument("--web", default="")
        e.add_argument("--sponsor", default="", help="patrocinador, printed on receipts")
        e.add_argument("--logo", help="path to a PNG or JPEG file")
        s = parser.add_argument_group("STS parameters")
        s.add_argument(
            "--vending-key",
            required=True,
            help="hex: 16 digits (DKGA02) or 40 (DKGA04); never echoed. '-' reads it from standard input, "
            "which keeps it out of the shell history and the process list",
        )
        s.add_argument("--supply-group-code", required=True)
        s.add_argument("--tariff-index", default="01")
        s.add_argument("--key-revision", default="1")
        s.add_argument("--key-type", default=str(Entity.KeyType.UNIQUE))
        s.add_argument("--base-date", default=str(Entity.BaseDate.Y2014))
        s.add_argument("--key-derivation", default="DKGA02", help="DKGA02 (default) or DKGA04")
        lic = parser.add_argument_group("license")
        lic.add_argument("--valid-until", required=True, help="YYYY-MM-DD or 'YYYY-MM-DD HH:MM', local time")
        lic.add_argument("--max-customers", required=True)
        lic.add_argument("--receipt-from", default="1")
        lic.add_argument("--receipt-to", required=True)
        lic.add_argument("--receipt-prefix", default="")
        a = parser.add_argument_group("first administrator")
        a.add_argument("--admin-email", required=True)
        a.add_argument("--admin-name", required=True)
        a.add_argument("--admin-identification", default="")
        a.add_argument("--admin-password", help="if missing: asked on a terminal, else generated")
        a.add_argument("--generate-password", action="store_true", help="generate the password and print it once")

    @sensitive_variables("options", "key", "password")
    def handle(self, *args, **options):
        entity = self.build_entity(options)
        license = self.build_license(options)
        admin = self.build_admin(options)
        password, generated = self.admin_password(options, admin)
        with transaction.atomic():
            entity.save()
            if options["logo"]:
                path = Path(options["logo"])
                with path.open("rb") as fh:
                    entity.logo.save(path.name, File(fh), save=True)
            license.entity = entity
            license.save()
            admin.entity = entity
            admin.set_password(password)
            admin.save()
            by = "manage.py create_entity"
            audit.record("entity_created", entity=entity, target=entity, actor_label=by)
            audit.record("license_created", target=license, actor_label=by)
            audit.record("account_created", target=admin, actor_label=by)
        self.stdout.write(f"Entity {entity.pk} created: {entity.name} (NIT {entity.nit}).")
        self.stdout.write(
            f"License valid until {timezone.localtime(license.valid_until):%Y-%m-%d %H:%M}, "
            f"{license.max_customers} customers, receipts {license.format_number(license.receipt_from)}"
            f"–{license.format_number(license.receipt_to)}."
        )
        self.stdout.write(f"Administrator: {admin.email}")
        if generated:
            self.stdout.write(f"Password (shown only now): {password}")

    @staticmethod
    def vending_key_text(value: str) -> str:
        """The key as given, or read from standard input for '-'."""
        if value != "-":
            return value
        return sys.stdin.readline().strip()

    def int_option(self, options, name: str) -> int:
        try:
            return int(options[name])
        except (TypeError, ValueError):
            raise fail(f"--{name.replace('_', '-')}: " + _("debe ser un número entero.")) from None

    @sensitive_variables("options", "key")
    def build_entity(self, options) -> Entity:
        derivation = DERIVATIONS.get(options["key_derivation"].strip().upper())
        if derivation is None:
            raise fail("--key-derivation: " + _("use DKGA02 o DKGA04."))
        entity = Entity(
            **{f: options[f].strip() for f in ENTITY_FIELDS},
            supply_group_code=options["supply_group_code"].strip(),
            tariff_index=options["tariff_index"].strip(),
            key_revision=self.int_option(options, "key_revision"),
            key_type=self.int_option(options, "key_type"),
            base_date=self.int_option(options, "base_date"),
            key_derivation=derivation,
        )
        try:
            entity.full_clean(exclude=["logo"], validate_unique=False)  # a new uuid is unique
        except ValidationError as e:
            raise fail(first_error(e)) from None
        try:
            key = parse_vending_key(self.vending_key_text(options["vending_key"]), derivation)
        except ValidationError as e:
            raise fail("--vending-key: " + " ".join(e.messages)) from None
        entity.set_vending_key(key)
        if options["logo"]:
            self.check_logo(Path(options["logo"]))
        return entity

    def check_logo(self, path: Path) -> None:
        if not path.is_file():
            raise fail("--logo: " + _("%(path)s no es un archivo.") % {"path": path})
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise fail("--logo: " + _("el logo debe ser un archivo .png, .jpg o .jpeg."))
        with path.open("rb") as fh:
            upload = File(fh, name=path.name)
            upload._committed = False
            try:
                validate_logo(upload)
            except ValidationError as e:
                raise fail("--logo: " + " ".join(e.messages)) from None

    def build_license(self, options) -> License:
        license = License(
            valid_until=parse_valid_until(options["valid_until"]),
            max_customers=self.int_option(options, "max_customers"),
            receipt_from=self.int_option(options, "receipt_from"),
            receipt_to=self.int_option(options, "receipt_to"),
            receipt_prefix=options["receipt_prefix"].strip(),
        )
        if license.valid_until <= timezone.now():
            raise fail("--valid-until: " + _("la fecha ya pasó."))
        if license.max_customers < 1:
            raise fail("--max-customers: " + _("debe ser al menos 1."))
        if license.receipt_from < 1:
            raise fail("--receipt-from: " + _("debe ser al menos 1."))
        try:
            license.full_clean(exclude=["entity", "next_receipt"])
        except ValidationError as e:
            raise fail(first_error(e)) from None
        return license

    def build_admin(self, options) -> User:
        email = options["admin_email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise fail("--admin-email: " + _("no es un correo electrónico válido.")) from None
        if User.objects.filter(email__iexact=email).exists():
            raise fail("--admin-email: " + _("ya existe una cuenta con %(email)s.") % {"email": email})
        name = " ".join(options["admin_name"].split())
        if not name:
            raise fail("--admin-name: " + _("no puede estar vacío."))
        return User(email=email, full_name=name, identification=options["admin_identification"].strip(), role="admin")

    @sensitive_variables("options", "password", "again")
    def admin_password(self, options, admin: User) -> tuple[str, bool]:
        password = options["admin_password"]
        if password is None and not options["generate_password"] and sys.stdin.isatty():
            password = getpass.getpass("Administrator password: ")
            again = getpass.getpass("Again: ")
            if password != again:
                raise fail("--admin-password: " + _("las dos contraseñas no coinciden."))
        if password is None:
            return secrets.token_urlsafe(12), True
        try:
            password_validation.validate_password(password, admin)
        except ValidationError as e:
            raise fail("--admin-password: " + " ".join(e.messages)) from None
        return password, False
