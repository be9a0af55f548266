"""Demo data for `make run`: an entity with its license, product, accounts, customers and meters,
and a few weeks of receipts issued through the real recharge service.

Idempotent: a second run finds everything in place, creates nothing twice and prints the same
logins. It creates an administrator with a published password, so with DEBUG off (a production
database, most likely) it refuses to run unless given --allow-without-debug.
"""

import random
import uuid
from datetime import time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from aom.models import User
from billing.models import Product, Receipt
from billing.services import recharge_issue
from customers.models import Customer, Meter
from licensing.models import Entity, License
from tokens.sts import luhn_digit

DEMO_NIT = "901555777-1"
DEMO_PASSWORD = "aom-demo-2026"  # noqa: S105 (printed on purpose: demo accounts)
DEMO_VENDING_KEY = bytes.fromhex("0abc12def3456789")
ADMIN_EMAIL = "admin@demo.aom.example"
BILLER_EMAILS = ["facturador1@demo.aom.example", "facturador2@demo.aom.example"]
# A fixed namespace: the demo's receipts get the same idempotency keys on every run.
DEMO_KEYS = uuid.UUID("5f0e9a52-3c1b-4d2a-9d7e-6a1f0c2b8e41")
DAYS_OF_RECEIPTS = 21

FIRST_NAMES = ["María", "José", "Luz Marina", "Carlos", "Ana Lucía", "Jorge", "Blanca", "Luis Alberto", "Rosa",
               "Pedro", "Gloria", "Hernando", "Martha", "Fabio", "Yolanda"]  # fmt: skip
LAST_NAMES = ["Rodríguez Pérez", "Gómez Castro", "Martínez Rojas", "López Díaz", "Hernández Vargas",
              "García Moreno", "Sánchez Ruiz", "Ramírez Ortiz", "Torres Cárdenas", "Jiménez Patiño"]  # fmt: skip
VEREDAS = ["Vereda La Esperanza", "Vereda El Porvenir", "Vereda San Isidro", "Vereda Caño Claro"]
AMOUNTS = [Decimal(a) for a in (5000, 8000, 10000, 15000, 20000, 25000, 30000, 50000)]


def luhn_complete(partial: str) -> str:
    return partial + luhn_digit(partial)


class Command(BaseCommand):
    help = "Crea (una sola vez) una entidad de demostración con usuarios, medidores y comprobantes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="load the demo even with DEBUG off (it creates accounts with a published password)",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "DEBUG is off: this looks like a production database, and the demo creates an administrator "
                "with a published password. Run with DEBUG=1, or add --allow-without-debug if you mean it."
            )
        with transaction.atomic():
            entity = self._entity()
            license = self._license(entity)
            self._product(entity)
            admin = self._user(entity, ADMIN_EMAIL, "Adriana Administradora", User.Role.ADMIN)
            billers = [
                self._user(entity, BILLER_EMAILS[0], "Felipe Facturador", User.Role.BILLER),
                self._user(entity, BILLER_EMAILS[1], "Fernanda Facturadora", User.Role.BILLER),
            ]
            meters = self._customers(entity)
        issued = self._receipts(entity, billers, meters)
        license.refresh_from_db()

        out = self.stdout
        out.write(self.style.SUCCESS(f"Entidad de demostración: {entity.name} (NIT {entity.nit})"))
        out.write(
            f"Licencia: válida hasta {timezone.localtime(license.valid_until):%Y-%m-%d %H:%M}, "
            f"comprobantes {license.format_number(license.receipt_from)} a {license.format_number(license.receipt_to)} "
            f"({license.receipts_left} disponibles), hasta {license.max_customers} usuarios"
        )
        out.write(f"Usuarios con medidor: {len({m.customer_id for m in meters})}; medidores: {len(meters)}")
        out.write(
            f"Comprobantes de demostración: {issued} nuevos, {Receipt.objects.filter(entity=entity).count()} en total"
        )
        out.write("Ingreso (correo / contraseña):")
        out.write(f"  administrador: {admin.email} / {DEMO_PASSWORD}")
        for biller in billers:
            out.write(f"  facturador:    {biller.email} / {DEMO_PASSWORD}")

    def _entity(self) -> Entity:
        entity = Entity.objects.filter(nit=DEMO_NIT).first()
        if entity is None:
            entity = Entity(
                name="Cooperativa de Energía Solar Los Llanos (demo)",
                nit=DEMO_NIT,
                address="Carrera 40 # 15-67, local 148",
                city="Villavicencio, Meta",
                phone="+57 300 000 0000",
                email="contacto@demo.aom.example",
                web="demo.aom.example",
                sponsor="Gobernación del Meta",
                supply_group_code="123456",
            )
            entity.set_vending_key(DEMO_VENDING_KEY)
            entity.save()
        return entity

    def _license(self, entity: Entity) -> License:
        license = entity.current_license()
        if license is None:
            license = License.objects.create(
                entity=entity,
                valid_until=timezone.now() + timedelta(days=365),
                max_customers=100,
                # A plain numbering: a demo entity has no DIAN numbering resolution, so its
                # papers are "Comprobante de recarga" 1, 2, 3… (no invoice prefix).
                receipt_from=1,
                receipt_to=100000,
            )
        return license

    def _product(self, entity: Entity) -> Product:
        product, _ = Product.objects.get_or_create(
            entity=entity, defaults={"iva_percent": Decimal("19"), "price_per_kwh": Decimal("800")}
        )
        return product

    def _user(self, entity: Entity, email: str, name: str, role: str) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, full_name=name, entity=entity, role=role
            )
        return user

    def _customers(self, entity: Entity) -> list[Meter]:
        meters = []
        for i in range(30):
            name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i * 7) % len(LAST_NAMES)]}"
            customer, _ = Customer.objects.get_or_create(
                entity=entity,
                identification=str(1_100_000_000 + 1013 * i),
                defaults={
                    "full_name": name,
                    "phone": f"3{(104729 * (i + 1)) % 10**9:09d}",
                    "address": VEREDAS[i % len(VEREDAS)],
                },
            )
            # The first customer has two meters (two houses), so the cashier has to pick one.
            for j in range(2 if i == 0 else 1):
                meter, _ = Meter.objects.get_or_create(
                    entity=entity,
                    drn=luhn_complete(f"47{10000 + i * 10 + j:08d}"),
                    defaults={
                        "customer": customer,
                        "installed_on": timezone.localdate() - timedelta(days=120),
                        "subsidy_kwh": Decimal("10.0"),
                        "emergency_kwh": Decimal("2.0"),
                    },
                )
                meters.append(meter)
        return meters

    def _receipts(self, entity: Entity, billers: list[User], meters: list[Meter]) -> int:
        """A few weeks of sales, in time order, through the real service (time shifted back)."""
        rng = random.Random(2026)  # the same demo every time
        today = timezone.localdate()
        issued = 0
        n = 0
        for days_ago in range(DAYS_OF_RECEIPTS, 0, -1):
            day = today - timedelta(days=days_ago)
            minutes = sorted(rng.sample(range(8 * 60, 17 * 60), rng.randint(3, 8)))
            for minute in minutes:
                n += 1
                when = timezone.make_aware(timezone.datetime.combine(day, time(minute // 60, minute % 60)))
                key = uuid.uuid5(DEMO_KEYS, str(n))
                meter = rng.choice(meters)
                biller = rng.choice(billers)
                amount = rng.choice(AMOUNTS)
                if Receipt.objects.filter(idempotency_key=key).exists():
                    continue
                recharge_issue(biller=biller, meter=meter, amount=amount, idempotency_key=key, now=when)
                issued += 1
        return issued
