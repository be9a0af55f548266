"""The rule of each customer and meter field (customers/rules.py), table by table, and proof that
every path (form, import, recharge lookup, billing search, admin) uses it."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from customers import rules
from customers.models import Customer
from tests import factories as f

FULLWIDTH_1 = "\uff11"
ARABIC_INDIC_1 = "\u0661"


def refused(func, *args) -> str:
    with pytest.raises(ValidationError) as exc:
        func(*args)
    return exc.value.code


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("CC", "CC"),
        ("cc", "CC"),
        (" C.C. ", "CC"),
        ("Cédula de ciudadanía", "CC"),
        ("CEDULA", "CC"),
        ("nit", "NIT"),
        ("N.I.T.", "NIT"),
        ("Cédula de extranjería", "CE"),
        ("c.e", "CE"),
        ("Tarjeta de identidad", "TI"),
        ("T.I.", "TI"),
        ("Pasaporte", "PP"),
        ("pp", "PP"),
    ],
)
def test_identification_types_are_read_in_their_usual_spellings(typed, code):
    assert rules.id_type(typed) == code


@pytest.mark.parametrize("typed", ["", "XX", "Registro civil", "C"])
def test_an_unknown_identification_type_is_refused(typed):
    assert refused(rules.id_type, typed) == "id_type"


@pytest.mark.parametrize(
    ("id_type", "typed", "stored"),
    [
        ("CC", "1.100.000.000", "1100000000"),
        ("CC", " 1 100 000 000 ", "1100000000"),
        ("CC", "1,100,000,000", "1100000000"),
        ("CC", "79-123-456", "79123456"),
        ("CC", "1\u00a0100\u00a0000", "1100000"),
        ("NIT", "900.123.456-7", "9001234567"),
        ("CE", "123456", "123456"),
        ("TI", "1.002.003.004", "1002003004"),
        ("PP", "ab-123", "AB123"),
        ("PP", "AB 123", "AB123"),
        ("PP", "ab.123", "AB123"),
        ("PP", "áb123", "AB123"),
        ("PP", "x1234567", "X1234567"),
    ],
)
def test_identifications_are_stored_in_one_form_per_type(id_type, typed, stored):
    assert rules.identification(id_type, typed) == stored


@pytest.mark.parametrize(
    ("id_type", "typed", "code"),
    [
        ("CC", "", "required"),
        ("CC", "AB123", "identification"),
        ("CC", "12", "identification_length"),
        ("CC", "12345678901", "identification_length"),
        ("NIT", "900#123", "identification"),
        ("PP", "AB/12*3", "identification"),
        ("PP", "AB1", "identification_length"),
        ("PP", "A" * 21, "identification_length"),
        ("CC", FULLWIDTH_1 * 8, "foreign_digit"),
        ("CC", ARABIC_INDIC_1 * 8, "foreign_digit"),
        ("PP", "AB" + ARABIC_INDIC_1 * 4, "foreign_digit"),
    ],
)
def test_a_bad_identification_gets_a_clear_refusal(id_type, typed, code):
    assert refused(rules.identification, id_type, typed) == code


def test_a_foreign_digit_is_named_in_the_message():
    with pytest.raises(ValidationError) as exc:
        rules.identification("CC", FULLWIDTH_1 * 8)
    assert "0 a 9" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  José   Pérez  ", "José Pérez"),
        ("Jose\u0301 Pe\u0301rez", "José Pérez"),  # decomposed accents become NFC
        ("Ana\nMaría\tGómez", "Ana María Gómez"),
        ("Ana\x00\x07 María", "Ana María"),
        ("Zero\u200bWidth", "ZeroWidth"),
    ],
)
def test_full_names_are_nfc_with_single_spaces_and_no_control_characters(typed, stored):
    assert rules.full_name(typed) == stored


@pytest.mark.parametrize("typed", ["", "   ", "\x00\x01", "a" * 201])
def test_an_empty_or_too_long_name_is_refused(typed):
    refused(rules.full_name, typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("3001234567", "3001234567"),
        ("300 123 4567", "3001234567"),
        ("+57 300 123 4567", "3001234567"),
        ("+57 (300) 123-4567", "3001234567"),
        ("57 3001234567", "3001234567"),
        ("300.123.4567", "3001234567"),
        ("", ""),
    ],
)
def test_mobiles_are_stored_as_ten_digits_starting_with_3(typed, stored):
    assert rules.phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("6012345678", "phone"),
        ("300123456", "phone"),
        ("+1 300 123 4567", "phone"),
        ("300-ABC-4567", "phone"),
        ("3" + FULLWIDTH_1 * 9, "foreign_digit"),
    ],
)
def test_a_phone_that_is_not_a_colombian_mobile_is_refused(typed, code):
    assert refused(rules.phone, typed) == code


@pytest.mark.parametrize(("typed", "stored"), [(" Ana@Example.ORG ", "ana@example.org"), ("", "")])
def test_emails_are_lower_cased(typed, stored):
    assert rules.email(typed) == stored


@pytest.mark.parametrize("typed", ["no-es-correo", "a@b", "a" * 250 + "@example.org"])
def test_a_bad_email_is_refused(typed):
    assert refused(rules.email, typed) == "email"


@pytest.mark.parametrize(("typed", "stored"), [("47000000019", "47000000019"), ("4700 0000 019", "47000000019")])
def test_a_drn_is_eleven_digits_with_its_luhn_digit(typed, stored):
    assert rules.drn(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("47000000010", "drn_luhn"),
        ("4700000001", "drn_format"),
        ("470000000190", "drn_format"),
        ("4700000001A", "drn_format"),
        ("4700000001" + FULLWIDTH_1, "foreign_digit"),
        ("", "required"),
    ],
)
def test_a_bad_drn_is_refused(typed, code):
    assert refused(rules.drn, typed) == code


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("10", Decimal("10.0")),
        ("10,5", Decimal("10.5")),
        ("1.000", Decimal("1000.0")),
        ("", Decimal("0.0")),
        (None, Decimal("0.0")),
        (Decimal("2.50"), Decimal("2.5")),
    ],
)
def test_kwh_are_read_by_the_one_number_parser_in_tenths(typed, value):
    assert rules.kwh(typed) == value


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1,25", "kwh_step"),
        (Decimal("1.25"), "kwh_step"),
        ("-1", "negative"),
        ("10000", "kwh_max"),
        ("diez", "invalid"),
        (FULLWIDTH_1, "foreign_digit"),
    ],
)
def test_bad_kwh_are_refused(typed, code):
    assert refused(rules.kwh, typed) == code


@pytest.mark.parametrize(
    ("typed", "key"),
    [("José PÉREZ", "jose perez"), ("  maría  ", "maria"), ("ÑOÑO", "nono"), ("ANDRÉS  Ñañez", "andres nanez")],
)
def test_the_search_key_ignores_case_accents_and_spacing(typed, key):
    assert rules.search_key(typed) == key


# -- every path, one rule ----------------------------------------------------------------------------
def test_the_database_refuses_an_identification_not_in_its_stored_form(entity):
    for raw in ("ab-123", "1.100.000", "AB 123", "ab123"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Customer.objects.create(entity=entity, id_type="PP", identification=raw, full_name="X")
    assert not Customer.objects.filter(entity=entity).exists()


def test_the_database_refuses_the_same_identification_twice_in_an_entity(entity):
    f.make_customer(entity, id_type="PP", identification="AB123")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_customer(entity, id_type="PP", identification="AB123")
    assert Customer.objects.filter(entity=entity, identification="AB123").count() == 1


@pytest.mark.parametrize("typed", ["ab-123", "AB 123", "a.b.1.2.3", "ÁB-123"])
def test_the_form_refuses_a_passport_already_stored_in_another_spelling(client, admin, entity, typed):
    f.make_customer(entity, id_type="PP", identification="AB123")
    client.force_login(admin)
    response = client.post(
        reverse("customers:add"), {"id_type": "PP", "identification": typed, "full_name": "Otra Persona"}
    )
    assert response.status_code == 200
    assert "Ya existe un usuario con la identificacion ingresada" in response.content.decode()
    assert Customer.objects.filter(entity=entity).count() == 1


def test_the_admin_cannot_store_a_customer_at_all(client, operator, entity):
    client.force_login(operator)
    response = client.post(
        reverse("admin:customers_customer_add"),
        {"entity": entity.pk, "id_type": "CC", "identification": "1234567890", "full_name": "X"},
    )
    assert response.status_code == 403
    assert not Customer.objects.exists()


def test_the_admin_search_uses_the_same_rules(client, operator, entity):
    f.make_customer(entity, full_name="José Pérez", identification="1100000000")
    f.make_customer(entity, full_name="Otra Persona", identification="2200000000")
    client.force_login(operator)
    for q in ("jose perez", "1.100.000.000"):
        response = client.get(reverse("admin:customers_customer_changelist"), {"q": q})
        assert response.status_code == 200
        assert [c.full_name for c in response.context["cl"].result_list] == ["José Pérez"]


@pytest.mark.parametrize("typed", ["1.234.567.890", "1 234 567 890", " 1234567890 "])
def test_the_recharge_lookup_finds_the_customer_however_the_identification_is_written(
    client, biller, customer, meter, product, typed
):
    client.force_login(biller)
    response = client.get(reverse("billing:lookup"), {"identification": typed})
    assert response.json()["found"] is True
    response = client.get(reverse("billing:new"), {"identification": typed})
    assert response.context["form"].customer == customer


def test_the_recharge_lookup_finds_a_passport_typed_in_lower_case(client, biller, entity, product):
    c = f.make_customer(entity, id_type="PP", identification="AB123")
    f.make_meter(c)
    client.force_login(biller)
    assert client.get(reverse("billing:lookup"), {"identification": "ab-123"}).json()["name"] == c.full_name


def test_the_recharge_lookup_names_a_foreign_digit(client, biller, customer, product):
    client.force_login(biller)
    data = client.get(reverse("billing:lookup"), {"identification": FULLWIDTH_1 * 10}).json()
    assert data["found"] is False and "0 a 9" in data["error"]
    response = client.get(reverse("billing:new"), {"identification": FULLWIDTH_1 * 10})
    assert "0 a 9" in response.content.decode()


def test_the_customer_list_finds_names_ignoring_case_and_accents(client, admin, entity):
    f.make_customer(entity, full_name="José Pérez")
    f.make_customer(entity, full_name="Ana Gómez")
    client.force_login(admin)
    for q in ("jose perez", "JOSÉ", "perez", "Pérez"):
        response = client.get(reverse("customers:list"), {"q": q})
        assert [c.full_name for c in response.context["page"]] == ["José Pérez"], q


def test_the_customer_list_finds_an_identification_written_with_dots(client, admin, entity):
    f.make_customer(entity, full_name="José Pérez", identification="1100000000")
    client.force_login(admin)
    response = client.get(reverse("customers:list"), {"q": "1.100.000.000"})
    assert [c.full_name for c in response.context["page"]] == ["José Pérez"]


def test_the_billing_search_finds_receipts_ignoring_accents_and_dots(client, admin, entity, product):
    from billing.services import recharge_issue

    c = f.make_customer(entity, full_name="José Pérez", identification="1100000000")
    m = f.make_meter(c)
    recharge_issue(biller=admin, meter=m, amount=Decimal("5000"), idempotency_key=uuid.uuid4())
    client.force_login(admin)
    for q in ("jose perez", "1.100.000"):
        response = client.get(reverse("billing:index"), {"q": q})
        assert len(response.context["receipts"]) == 1, q


def test_the_sales_report_finds_the_customer_however_the_identification_is_written(client, admin, customer):
    client.force_login(admin)
    params = {"filter_by": "customer", "identification": "1.234.567.890", "start": "2026-03-10", "end": "2026-03-10"}
    response = client.get(reverse("billing:report"), params)
    assert response.status_code == 200
    assert response.context["form"].customer == customer
