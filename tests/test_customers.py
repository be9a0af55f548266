"""Adding and editing customers (seed figures 8 and 9) with the seed's messages."""

from django.urls import reverse

from customers.models import Customer, Meter
from tests import factories as f


def add_data(**kw):
    data = {
        "id_type": "CC",
        "identification": "1098765432",
        "full_name": "María Gómez",
        "phone": "3101234567",
        "email": "maria@example.org",
        "address": "Vereda El Progreso",
        "meter-drn": "",
        "meter-installed_on": "",
        "meter-subsidy_kwh": "0",
        "meter-emergency_kwh": "0",
    }
    data.update(kw)
    return data


def page_messages(response):
    return [str(m) for m in response.context["messages"]]


def test_adding_a_customer_says_agregado_correctamente(client, admin, entity):
    client.force_login(admin)
    response = client.post(reverse("customers:add"), add_data(), follow=True)
    assert "Agregado correctamente" in page_messages(response)
    customer = Customer.objects.get(entity=entity, identification="1098765432")
    assert customer.full_name == "María Gómez"
    assert not customer.meters.exists()


def test_adding_a_customer_with_a_first_meter_creates_both(client, admin, entity):
    client.force_login(admin)
    drn = f.luhn_complete("0123456789")
    data = add_data(
        **{
            "meter-drn": drn,
            "meter-installed_on": "2026-03-01",
            "meter-subsidy_kwh": "15.5",
            "meter-emergency_kwh": "3",
        }
    )
    response = client.post(reverse("customers:add"), data)
    customer = Customer.objects.get(entity=entity, identification="1098765432")
    assert response.status_code == 302
    assert response.url == reverse("customers:detail", args=[customer.pk])
    meter = customer.meters.get()
    assert meter.drn == drn and meter.entity == entity
    assert str(meter.subsidy_kwh) == "15.5" and str(meter.emergency_kwh) == "3.0"


def test_a_bad_first_meter_adds_nothing(client, admin, entity):
    client.force_login(admin)
    response = client.post(reverse("customers:add"), add_data(**{"meter-drn": "12345678901"}))
    assert response.status_code == 200
    assert "dígito de control" in response.content.decode()
    assert not Customer.objects.filter(entity=entity, identification="1098765432").exists()


def test_input_is_normalised(client, admin, entity):
    client.force_login(admin)
    data = add_data(
        id_type="cc",
        identification=" 1.098.765.432 ",
        full_name="  María   Gómez ",
        phone="+57 310 123 4567",
        email=" Maria@Example.ORG ",
    )
    client.post(reverse("customers:add"), data)
    customer = Customer.objects.get(entity=entity)
    assert (customer.id_type, customer.identification) == ("CC", "1098765432")
    assert customer.full_name == "María Gómez"
    assert customer.phone == "3101234567"
    assert customer.email == "maria@example.org"


def test_a_phone_that_is_not_a_colombian_mobile_is_refused(client, admin, entity):
    client.force_login(admin)
    response = client.post(reverse("customers:add"), add_data(phone="6012345678"))
    assert response.status_code == 200
    assert "celular colombiano" in response.content.decode()
    assert not Customer.objects.filter(entity=entity).exists()


def test_an_unknown_identification_type_is_refused(client, admin, entity):
    client.force_login(admin)
    response = client.post(reverse("customers:add"), add_data(id_type="XX"))
    assert response.status_code == 200
    assert response.context["form"].has_error("id_type")
    assert not Customer.objects.filter(entity=entity).exists()


def test_a_duplicate_identification_says_ya_existe(client, admin, customer):
    client.force_login(admin)
    response = client.post(reverse("customers:add"), add_data(identification=customer.identification))
    assert response.status_code == 200
    assert "Ya existe un usuario con la identificacion ingresada" in page_messages(response)
    assert Customer.objects.filter(identification=customer.identification).count() == 1


def test_the_same_identification_may_exist_in_another_entity(client, admin, entity, other_customer):
    client.force_login(admin)
    client.post(reverse("customers:add"), add_data(identification=other_customer.identification))
    assert Customer.objects.filter(entity=entity, identification=other_customer.identification).exists()


def test_the_license_customer_limit_says_se_han_completado(client, admin, entity):
    license = entity.current_license()
    license.max_customers = 2
    license.save()
    f.make_customer(entity)
    client.force_login(admin)
    client.post(reverse("customers:add"), add_data(identification="111"))
    response = client.post(reverse("customers:add"), add_data(identification="222"), follow=True)
    assert "se han completado 2 usuarios" in page_messages(response)
    assert entity.customers.count() == 2
    # The add page warns as soon as it is opened.
    assert "se han completado 2 usuarios" in page_messages(client.get(reverse("customers:add")))


def test_the_limit_counts_only_this_entitys_customers(client, admin, entity, other_entity):
    license = entity.current_license()
    license.max_customers = 1
    license.save()
    for _ in range(3):
        f.make_customer(other_entity)
    client.force_login(admin)
    response = client.post(reverse("customers:add"), add_data(), follow=True)
    assert "Agregado correctamente" in page_messages(response)


def test_the_limit_is_that_of_the_latest_license(client, admin, entity):
    f.make_customer(entity)
    f.make_license(entity, max_customers=1, receipt_from=2001, receipt_to=3000)
    client.force_login(admin)
    response = client.post(reverse("customers:add"), add_data(), follow=True)
    assert "se han completado 1 usuarios" in page_messages(response)


def test_edit_searches_the_identification_first(client, admin, customer):
    client.force_login(admin)
    response = client.get(reverse("customers:edit"), {"identificacion": customer.identification})
    assert response.status_code == 200
    assert response.context["customer"] == customer
    assert response.context["form"].initial["full_name"] == customer.full_name


def test_editing_says_actualizado_correctamente(client, admin, customer):
    client.force_login(admin)
    url = reverse("customers:edit") + f"?identificacion={customer.identification}"
    data = add_data(identification=customer.identification, full_name="Nombre Nuevo", phone="3209998877")
    response = client.post(url, data, follow=True)
    assert "Actualizado correctamente" in page_messages(response)
    customer.refresh_from_db()
    assert (customer.full_name, customer.phone) == ("Nombre Nuevo", "3209998877")


def test_editing_to_an_identification_already_used_is_refused(client, admin, entity, customer):
    taken = f.make_customer(entity)
    client.force_login(admin)
    url = reverse("customers:edit") + f"?identificacion={customer.identification}"
    response = client.post(url, add_data(identification=taken.identification))
    assert response.status_code == 200
    assert "Ya existe un usuario con la identificacion ingresada" in response.content.decode()
    customer.refresh_from_db()
    assert customer.identification == "1234567890"


def test_searching_another_entitys_customer_says_no_tiene_permisos(client, admin, other_customer):
    client.force_login(admin)
    response = client.get(reverse("customers:edit"), {"identificacion": other_customer.identification})
    assert "No tiene permisos para modificar los datos de este usuario" in page_messages(response)
    assert response.context["form"] is None
    assert other_customer.full_name not in response.content.decode()


def test_posting_to_another_entitys_customer_changes_nothing(client, admin, other_customer):
    client.force_login(admin)
    url = reverse("customers:edit") + f"?identificacion={other_customer.identification}"
    response = client.post(url, add_data(identification=other_customer.identification, full_name="Intruso"))
    assert "No tiene permisos para modificar los datos de este usuario" in page_messages(response)
    other_customer.refresh_from_db()
    assert other_customer.full_name == "Cliente Ajeno"


def test_searching_an_unknown_identification_says_it_does_not_exist(client, admin, entity):
    client.force_login(admin)
    response = client.get(reverse("customers:edit"), {"identificacion": "999"})
    assert "No existe un usuario con la identificación 999." in page_messages(response)


def test_the_detail_page_lists_the_customers_meters(client, admin, customer, meter):
    second = f.make_meter(customer)
    client.force_login(admin)
    body = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert meter.drn in body and second.drn in body
    assert Meter.objects.filter(customer=customer).count() == 2


def test_an_installation_date_without_serial_asks_for_the_serial(client, admin, entity):
    client.force_login(admin)
    response = client.post(reverse("customers:add"), add_data(**{"meter-installed_on": "2026-01-01"}))
    assert response.status_code == 200
    assert "Ingrese el serial del medidor." in response.content.decode()
    assert not Customer.objects.filter(entity=entity).exists()


def test_the_operator_is_pointed_to_the_admin_on_entity_pages(client, operator):
    client.force_login(operator)
    response = client.get(reverse("customers:list"))
    assert response.status_code == 403
    assert reverse("admin:index") in response.content.decode()


# -- personal data and the audit trail -------------------------------------------------------------
def test_consent_to_data_processing_is_recorded_with_its_date(client, admin, entity):
    from django.utils import timezone

    client.force_login(admin)
    client.post(reverse("customers:add"), add_data(data_consent="on"))
    customer = Customer.objects.get(entity=entity)
    assert customer.data_consent_on == timezone.localdate()
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert "Autorizó el" in response.content.decode()


def test_withdrawing_consent_clears_its_date(client, admin, entity):
    from datetime import date

    customer = f.make_customer(entity, data_consent_on=date(2026, 1, 2))
    client.force_login(admin)
    url = reverse("customers:edit") + f"?identificacion={customer.identification}"
    client.post(url, add_data(identification=customer.identification))
    customer.refresh_from_db()
    assert customer.data_consent_on is None


def test_adding_a_customer_and_meter_is_recorded_in_the_audit_trail(client, admin, entity):
    from aom.models import AuditEvent

    client.force_login(admin)
    client.post(reverse("customers:add"), add_data(**{"meter-drn": f.luhn_complete("4700000009")}))
    customer = Customer.objects.get(entity=entity)
    created = AuditEvent.objects.get(action="customer_created")
    assert created.actor == admin and created.target_id == str(customer.pk)
    assert created.changes["identification"] == [None, "1098765432"]
    assert AuditEvent.objects.get(action="meter_created").changes["drn"][1] == f.luhn_complete("4700000009")


def test_changing_a_customer_records_before_and_after(client, admin, customer):
    from aom.models import AuditEvent

    client.force_login(admin)
    url = reverse("customers:edit") + f"?identificacion={customer.identification}"
    client.post(url, add_data(identification=customer.identification, full_name="Nombre Nuevo"))
    event = AuditEvent.objects.get(action="customer_changed")
    assert event.changes["full_name"] == ["Usuario Prueba", "Nombre Nuevo"]
    assert event.target_id == str(customer.pk)


def test_a_refused_change_records_nothing(client, admin, customer):
    from aom.models import AuditEvent

    client.force_login(admin)
    url = reverse("customers:edit") + f"?identificacion={customer.identification}"
    client.post(url, add_data(identification=customer.identification, phone="123"))
    assert not AuditEvent.objects.filter(action="customer_changed").exists()
