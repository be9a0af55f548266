"""Each recorded action is written by the view (or command) that does it, in its transaction,
with who, what, before and after, and never a secret."""

import uuid
from decimal import Decimal as D

import pytest
from django.urls import reverse

from aom.models import AuditEvent
from billing.models import Receipt
from billing.services import recharge_issue
from licensing.models import Entity, License
from tests.test_admin import KEY02, entity_data
from tests.test_admin_licenses import license_data
from tests.test_create_entity import args as create_entity_args
from tests.test_create_entity import run as create_entity
from tests.test_recharge_views import confirmation, hidden_fields

STRONG = "recarga-Solar-2026"


def only(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


def no_secret_in_the_trail(*secrets):
    text = str(list(AuditEvent.objects.values_list()))
    return all(s.lower() not in text.lower() for s in secrets)


@pytest.fixture
def office(client, admin):
    client.force_login(admin)
    return client


# -- billers ---------------------------------------------------------------------------------------
def test_creating_a_biller_is_recorded_with_its_data_but_not_its_password(office, admin):
    data = {"email": "punto1@example.org", "full_name": "Punto Uno", "identification": "11"}
    office.post(
        reverse("licensing:biller_add"), data | {"password1": STRONG, "password2": STRONG}, REMOTE_ADDR="10.4.0.1"
    )
    event = only("biller_created")
    assert (event.actor, event.entity, event.ip, event.target_label) == (
        admin,
        admin.entity,
        "10.4.0.1",
        "Punto Uno <punto1@example.org>",
    )
    assert event.changes["email"] == [None, "punto1@example.org"]
    assert no_secret_in_the_trail(STRONG)


def test_a_refused_biller_form_records_nothing(office):
    data = {"email": "no-es-correo", "full_name": "X", "password1": STRONG, "password2": STRONG}
    assert office.post(reverse("licensing:biller_add"), data).status_code == 200
    assert not AuditEvent.objects.filter(action="biller_created").exists()


def test_editing_a_biller_records_before_and_after(office, biller):
    data = {
        "email": biller.email,
        "full_name": "Bruno Cambiado",
        "identification": "",
        "password1": "",
        "password2": "",
    }
    office.post(reverse("licensing:biller_edit", args=[biller.pk]), data)
    event = only("biller_changed")
    assert event.changes["full_name"] == ["Bruno Facturador", "Bruno Cambiado"]
    assert event.target_id == str(biller.pk)
    assert not AuditEvent.objects.filter(action="password_reset").exists()


def test_deactivating_and_reactivating_a_biller_are_recorded(office, biller):
    office.post(reverse("licensing:biller_deactivate", args=[biller.pk]))
    office.post(reverse("licensing:biller_reactivate", args=[biller.pk]))
    changes = [e.changes for e in AuditEvent.objects.filter(action="biller_changed").order_by("id")]
    assert changes == [{"is_active": ["True", "False"]}, {"is_active": ["False", "True"]}]


# -- product and price -----------------------------------------------------------------------------
def test_a_price_change_is_recorded_with_before_and_after(office, product, admin):
    data = {"description": product.description, "iva_percent": "19", "price_per_kwh": "650"}
    assert office.post(reverse("billing:product_save"), data).status_code == 302
    event = only("product_changed")
    assert event.changes == {"price_per_kwh": ["500.00", "650.00"]}
    assert (event.actor, event.entity, event.target_type) == (admin, admin.entity, "billing.product")


def test_a_refused_price_records_nothing(office, product):
    data = {"description": product.description, "iva_percent": "19", "price_per_kwh": "-5"}
    assert office.post(reverse("billing:product_save"), data).status_code == 400
    assert not AuditEvent.objects.filter(action="product_changed").exists()


def test_the_first_product_is_recorded(office, entity):
    office.post(reverse("billing:product_save"), {"description": "Energía", "iva_percent": "0", "price_per_kwh": "700"})
    assert only("product_changed").changes["price_per_kwh"] == [None, "700.00"]


# -- receipts --------------------------------------------------------------------------------------
@pytest.fixture
def cashier(client, biller):
    client.force_login(biller)
    return client


def test_an_issued_receipt_is_recorded_with_the_sellers_address(cashier, customer, meter, product, biller):
    fields = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    cashier.post(reverse("billing:issue"), fields, REMOTE_ADDR="10.5.0.9")
    receipt = Receipt.objects.get()
    event = only("receipt_issued")
    assert (event.actor, event.entity, event.ip, event.target_id) == (
        biller,
        biller.entity,
        "10.5.0.9",
        str(receipt.pk),
    )
    assert event.target_label == receipt.full_number
    assert receipt.code not in event.detail


def test_a_refused_recharge_records_no_receipt(cashier, customer, meter, product, entity):
    fields = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    meter.is_active = False
    meter.save()  # the meter was deactivated while confirming: nothing is issued
    cashier.post(reverse("billing:issue"), fields)
    assert not Receipt.objects.exists()
    assert not AuditEvent.objects.filter(action="receipt_issued").exists()


def test_each_print_after_the_first_is_recorded_as_a_reprint(cashier, biller, entity, product, meter):
    receipt = recharge_issue(biller=biller, meter=meter, amount=D("1500"), idempotency_key=uuid.uuid4())
    # A paper is a browser print (the page posts before printing) or a PDF; looking records nothing.
    cashier.get(reverse("billing:receipt", args=[receipt.pk, "80mm"]))
    cashier.post(reverse("billing:receipt_print", args=[receipt.pk, "80mm"]))
    assert not AuditEvent.objects.filter(action="receipt_reprinted").exists()
    cashier.post(reverse("billing:receipt_print", args=[receipt.pk, "58mm"]))
    cashier.get(reverse("billing:receipt_pdf", args=[receipt.pk, "letter"]))
    details = list(
        AuditEvent.objects.filter(action="receipt_reprinted").order_by("id").values_list("detail", flat=True)
    )
    assert details == ["58mm", "letter PDF"]
    assert only("receipt_issued").target_id == str(receipt.pk)


# -- the operator's admin and command ---------------------------------------------------------------
@pytest.fixture
def operator_client(client, operator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(operator)
    return client


def test_an_entity_added_in_the_admin_is_recorded_without_its_key(operator_client, operator):
    assert operator_client.post(reverse("admin:licensing_entity_add"), entity_data()).status_code == 302
    entity = Entity.objects.get(nit="900111222")
    event = only("entity_created")
    assert (event.actor, event.entity, event.target_id) == (operator, entity, str(entity.pk))
    assert event.changes["name"] == [None, "Cooperativa Nueva"]
    assert event.detail == "Clave de venta nueva"
    assert not any(name.startswith("vending") for name in event.changes)
    assert no_secret_in_the_trail(KEY02)


def test_an_entity_changed_in_the_admin_is_recorded_with_before_and_after(operator_client, entity):
    data = entity_data(entity, nit=entity.nit, name="Cooperativa Renombrada", vending_key="")
    assert operator_client.post(reverse("admin:licensing_entity_change", args=[entity.pk]), data).status_code == 302
    event = only("entity_changed")
    assert event.changes["name"] == ["Cooperativa Solar del Meta", "Cooperativa Renombrada"]
    assert event.entity == entity and event.detail == ""


def test_a_license_added_and_changed_in_the_admin_is_recorded(operator_client, entity):
    operator_client.post(reverse("admin:licensing_license_add"), license_data(entity))
    license = License.objects.get(entity=entity, receipt_from=1001)
    assert only("license_created").entity == entity
    data = license_data(entity, max_customers="300")
    operator_client.post(reverse("admin:licensing_license_change", args=[license.pk]), data)
    event = only("license_changed")
    assert event.changes == {"max_customers": ["200", "300"]}
    assert (event.entity, event.target_id) == (entity, str(license.pk))


def test_an_account_changed_in_the_admin_is_recorded_without_its_password(operator_client, admin):
    url = reverse("admin:aom_user_change", args=[admin.pk])
    form = operator_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(full_name="Ana Cambiada", entity=admin.entity_id, date_joined_0="2026-01-01", date_joined_1="08:00:00")
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = operator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = only("account_changed")
    assert event.changes["full_name"] == ["Ana Administradora", "Ana Cambiada"]
    assert event.entity == admin.entity
    assert "password" not in event.changes


def test_create_entity_records_the_entity_its_license_and_its_administrator(db):
    create_entity(*create_entity_args())
    entity = Entity.objects.get(nit="900555444")
    actions = set(AuditEvent.objects.filter(entity=entity).values_list("action", flat=True))
    assert actions == {"entity_created", "license_created", "account_created"}
    assert set(AuditEvent.objects.values_list("actor_label", flat=True)) == {"manage.py create_entity"}
    assert no_secret_in_the_trail("0123456789ABCDEF", "recarga-Solar-2026")


def test_an_account_added_in_the_admin_is_recorded_without_its_password(operator_client, entity):
    data = {"email": "nueva@example.org", "full_name": "Nueva Admin", "identification": "", "entity": entity.pk}
    data |= {"role": "admin", "password1": STRONG, "password2": STRONG, "usable_password": "true"}
    response = operator_client.post(reverse("admin:aom_user_add"), data)
    assert response.status_code == 302
    event = only("account_created")
    assert event.entity == entity and event.changes["email"] == [None, "nueva@example.org"]
    assert not any("password" in name for name in event.changes)
    assert no_secret_in_the_trail(STRONG)
