"""Meters of a customer: DRN checks, uniqueness within the entity, STS overrides."""

import pytest
from django.urls import reverse

from customers.models import Meter
from tests import factories as f


def meter_data(**kw):
    data = {
        "drn": f.luhn_complete("0400000001"),
        "installed_on": "2026-02-01",
        "subsidy_kwh": "20",
        "emergency_kwh": "2.5",
        "supply_group_code": "",
        "tariff_index": "",
        "key_revision": "",
        "key_type": "",
        "base_date": "",
    }
    data.update(kw)
    return data


def test_a_customer_may_have_several_meters(client, admin, customer, meter):
    client.force_login(admin)
    response = client.post(reverse("customers:meter_add", args=[customer.pk]), meter_data())
    assert response.status_code == 302
    assert customer.meters.count() == 2


def test_a_meter_without_overrides_uses_the_entitys_sts_parameters(client, admin, entity, customer):
    client.force_login(admin)
    client.post(reverse("customers:meter_add", args=[customer.pk]), meter_data())
    meter = customer.meters.get()
    assert meter.entity == entity
    assert meter.sts_supply_group_code == entity.supply_group_code
    assert meter.sts_key_revision == entity.key_revision


def test_overrides_set_in_the_advanced_section_win(client, admin, customer):
    client.force_login(admin)
    data = meter_data(supply_group_code="654321", tariff_index="07", key_revision="2", key_type="1", base_date="1993")
    client.post(reverse("customers:meter_add", args=[customer.pk]), data)
    meter = customer.meters.get()
    assert (meter.sts_supply_group_code, meter.sts_tariff_index) == ("654321", "07")
    assert (meter.sts_key_revision, meter.sts_key_type, meter.sts_base_date) == (2, 1, 1993)


def test_a_drn_with_a_wrong_check_digit_is_refused(client, admin, customer):
    client.force_login(admin)
    good = f.luhn_complete("0400000001")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    response = client.post(reverse("customers:meter_add", args=[customer.pk]), meter_data(drn=bad))
    assert response.status_code == 200
    assert "dígito de control" in response.content.decode()
    assert not customer.meters.exists()


def test_a_drn_of_the_wrong_length_is_refused(client, admin, customer):
    client.force_login(admin)
    response = client.post(reverse("customers:meter_add", args=[customer.pk]), meter_data(drn="12345"))
    assert "11 dígitos" in response.content.decode()
    assert not customer.meters.exists()


def test_a_drn_already_used_in_the_entity_is_refused_clearly(client, admin, entity, customer, meter):
    neighbour = f.make_customer(entity)
    client.force_login(admin)
    response = client.post(reverse("customers:meter_add", args=[neighbour.pk]), meter_data(drn=meter.drn))
    assert f"Ya existe un medidor con el serial {meter.drn} en la entidad." in response.content.decode()
    assert not neighbour.meters.exists()


def test_the_same_drn_may_exist_in_another_entity(client, admin, customer, other_meter):
    client.force_login(admin)
    client.post(reverse("customers:meter_add", args=[customer.pk]), meter_data(drn=other_meter.drn))
    assert Meter.objects.filter(drn=other_meter.drn).count() == 2


def test_editing_a_meter_changes_subsidy_and_credit(client, admin, meter):
    client.force_login(admin)
    data = meter_data(drn=meter.drn, subsidy_kwh="30", emergency_kwh="5", is_active="on")
    response = client.post(reverse("customers:meter_edit", args=[meter.pk]), data, follow=True)
    assert "Actualizado correctamente" in [str(m) for m in response.context["messages"]]
    meter.refresh_from_db()
    assert (str(meter.subsidy_kwh), str(meter.emergency_kwh)) == ("30.0", "5.0")


def test_negative_subsidy_is_refused(client, admin, meter):
    client.force_login(admin)
    data = meter_data(drn=meter.drn, subsidy_kwh="-1", is_active="on")
    response = client.post(reverse("customers:meter_edit", args=[meter.pk]), data)
    assert response.status_code == 200
    meter.refresh_from_db()
    assert str(meter.subsidy_kwh) == "10.0"


def test_another_entitys_meter_cannot_be_edited(client, admin, other_meter):
    client.force_login(admin)
    response = client.post(reverse("customers:meter_edit", args=[other_meter.pk]), meter_data(drn=other_meter.drn))
    assert response.status_code == 404
    other_meter.refresh_from_db()
    assert str(other_meter.subsidy_kwh) == "10.0"


def test_a_meter_cannot_be_added_to_another_entitys_customer(client, admin, other_customer):
    client.force_login(admin)
    response = client.post(reverse("customers:meter_add", args=[other_customer.pk]), meter_data())
    assert response.status_code == 404
    assert not other_customer.meters.exists()


def test_kwh_are_typed_the_colombian_way(client, admin, meter):
    client.force_login(admin)
    data = meter_data(drn=meter.drn, subsidy_kwh="1.000", emergency_kwh="2,5", is_active="on")
    client.post(reverse("customers:meter_edit", args=[meter.pk]), data)
    meter.refresh_from_db()
    assert (str(meter.subsidy_kwh), str(meter.emergency_kwh)) == ("1000.0", "2.5")


def test_kwh_with_two_decimals_are_refused(client, admin, meter):
    client.force_login(admin)
    data = meter_data(drn=meter.drn, subsidy_kwh="2,55", is_active="on")
    response = client.post(reverse("customers:meter_edit", args=[meter.pk]), data)
    assert "0,1 en 0,1" in response.content.decode()
    meter.refresh_from_db()
    assert str(meter.subsidy_kwh) == "10.0"


def test_a_drn_typed_in_groups_is_stored_as_eleven_digits(client, admin, customer):
    client.force_login(admin)
    serial = f.luhn_complete("0400000001")
    client.post(
        reverse("customers:meter_add", args=[customer.pk]), meter_data(drn=f"{serial[:4]} {serial[4:8]} {serial[8:]}")
    )
    assert customer.meters.get().drn == serial


def test_changing_a_meter_is_recorded_in_the_audit_trail(client, admin, meter):
    from aom.models import AuditEvent

    client.force_login(admin)
    data = meter_data(drn=meter.drn, subsidy_kwh="30", is_active="on")
    client.post(reverse("customers:meter_edit", args=[meter.pk]), data)
    event = AuditEvent.objects.get(action="meter_changed")
    assert event.changes["subsidy_kwh"] == ["10.0", "30.0"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("supply_group_code", "١٢٣٤٥٦"),
        ("supply_group_code", "１２３４５６"),
        ("tariff_index", "٠١"),
        ("tariff_index", "１"),
    ],
)
def test_meter_parameters_in_other_digits_are_refused_and_nothing_changes(client, admin, meter, field, value):
    client.force_login(admin)
    before = (meter.supply_group_code, meter.tariff_index)
    response = client.post(
        reverse("customers:meter_edit", args=[meter.pk]), meter_data(drn=meter.drn, **{field: value})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    meter.refresh_from_db()
    assert (meter.supply_group_code, meter.tariff_index) == before


def test_the_administrator_sees_the_meters_own_admin_password(client, admin, meter):
    from tokens.services import admin_password_for, decoder_key_for
    from tokens.sts import admin_password

    client.force_login(admin)
    response = client.get(reverse("customers:meter_edit", args=[meter.pk]))
    assert response.status_code == 200
    expected = admin_password(decoder_key_for(meter))
    assert admin_password_for(meter) == expected and len(expected) == 8
    assert f'<span class="aom-code" id="admin-password">{expected}</span>' in response.content.decode()


def test_the_admin_password_is_not_stored_on_the_server(client, admin, meter):
    from django.db import connection

    from tokens.services import admin_password_for

    password = admin_password_for(meter)
    client.force_login(admin)
    client.get(reverse("customers:meter_edit", args=[meter.pk]))
    with connection.cursor() as cursor:
        for model in (Meter, type(meter.entity), type(meter.customer)):
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names from the models
            assert not any(password in str(row) for row in cursor.fetchall())


def test_other_roles_and_entities_do_not_see_the_admin_password(client, biller, other_admin, meter):
    client.force_login(biller)
    assert client.get(reverse("customers:meter_edit", args=[meter.pk])).status_code == 403
    client.force_login(other_admin)
    assert client.get(reverse("customers:meter_edit", args=[meter.pk])).status_code == 404


def test_without_a_vending_key_the_page_says_how_to_see_the_password(client, admin, customer):
    entity = customer.entity
    entity.vending_key_sealed = ""
    entity.save()
    meter = f.make_meter(customer)
    client.force_login(admin)
    response = client.get(reverse("customers:meter_edit", args=[meter.pk]))
    assert response.status_code == 200
    assert "Configure la llave de venta" in response.content.decode()
    assert 'id="admin-password"' not in response.content.decode()
