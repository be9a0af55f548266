"""The new-receipt pages: lookup, amount, confirmation, RECARGAR, and the cashier's JSON helpers."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from billing.models import Receipt
from licensing.models import License
from tests import factories as f
from tokens.services import decoder_key_for
from tokens.sts import ValidCode, decode

NEW = reverse("billing:new")
ISSUE = reverse("billing:issue")


@pytest.fixture
def cashier(client, biller):
    client.force_login(biller)
    return client


def confirmation(cashier, identification, amount, meter=None):
    params = {"identification": identification, "amount": amount, "step": "confirm"}
    if meter is not None:
        params["meter"] = meter.pk
    return cashier.get(NEW, params)


def autofocused(html: str) -> str:
    """The name of the one field that has the caret when the page opens."""
    names = re.findall(r'<(?:input|select)[^>]*?name="(\w+)"[^>]*?\bautofocus\b', html, re.S)
    assert len(names) == 1, names
    return names[0]


def hidden_fields(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def test_the_new_receipt_page_asks_for_the_identification(cashier, product):
    response = cashier.get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="identification"' in html
    assert "Nuevo comprobante" in html


def test_looking_up_an_identification_fills_in_the_name_and_the_meter(cashier, customer, meter, product):
    response = cashier.get(NEW, {"identification": customer.identification, "step": "lookup"})
    html = response.content.decode()
    assert 'value="Usuario Prueba"' in html
    assert f'<option value="{meter.pk}"' in html
    assert "is-invalid" not in html.split("<script>")[0]  # no error shown


def test_an_identification_typed_with_dots_or_spaces_is_found(cashier, customer, meter, product):
    html = confirmation(cashier, "1.234.567 890", "1500").content.decode()
    assert "RECARGAR" in html and "Usuario Prueba" in html
    data = cashier.get(reverse("billing:lookup"), {"identification": "1.234.567.890"}).json()
    assert data["found"] is True


def test_an_unknown_identification_says_so_and_offers_nothing(cashier, meter, product, other_customer):
    # A customer of another entity is as unknown as one that does not exist.
    for ident in ("999", other_customer.identification):
        response = cashier.get(NEW, {"identification": ident, "step": "confirm", "amount": "1500"})
        html = response.content.decode()
        assert f"No existe un usuario con la identificación {ident} en esta entidad." in html
        assert "RECARGAR" not in html
    assert Receipt.objects.count() == 0


def test_a_customer_without_an_active_meter_cannot_be_recharged(cashier, customer, meter, product):
    meter.is_active = False
    meter.save()
    html = confirmation(cashier, customer.identification, "1500").content.decode()
    assert "no tiene un medidor activo" in html
    assert "RECARGAR" not in html


def test_with_several_meters_the_cashier_must_pick_one(cashier, customer, meter, product):
    second = f.make_meter(customer)
    html = confirmation(cashier, customer.identification, "1500").content.decode()
    assert "Escoja el medidor a recargar." in html
    assert f'<option value="{second.pk}"' in html
    html = confirmation(cashier, customer.identification, "1500", meter=second).content.decode()
    assert second.drn in html and "RECARGAR" in html


def test_a_meter_of_another_customer_cannot_be_picked(cashier, customer, meter, product, entity):
    stranger = f.make_meter(f.make_customer(entity))
    html = confirmation(cashier, customer.identification, "1500", meter=stranger).content.decode()
    assert "RECARGAR" not in html
    assert "is-invalid" in html


def test_the_confirmation_shows_customer_meter_kwh_and_the_total_charged(cashier, customer, meter, product):
    response = confirmation(cashier, customer.identification, "1.549")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Usuario Prueba" in html and "CC 1234567890" in html and meter.drn in html
    assert "3,0 kWh" in html
    assert "$ 1.500" in html  # total charged
    assert "$ 1.549" in html  # received
    assert "$ 49" in html  # change
    assert "RECARGAR" in html
    fields = hidden_fields(html)
    assert fields["meter"] == str(meter.pk) and fields["amount"] == "1549" and fields["total"] == "1500"
    uuid.UUID(fields["idempotency_key"])
    assert Receipt.objects.count() == 0  # nothing issued yet


def test_each_confirmation_page_gets_its_own_idempotency_key(cashier, customer, meter, product):
    one = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    two = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    assert one["idempotency_key"] != two["idempotency_key"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Escriba el valor recibido."),
        ("10", "El valor no alcanza para 0,1 kWh: el mínimo es $ 50."),
        ("-1500", "El valor no puede ser negativo."),
        ("mil", "Escriba el valor en pesos, sin decimales"),
        ("1500,50", "Escriba el valor en pesos, sin decimales"),
        ("100000000000", "El valor es demasiado grande"),
    ],
)
def test_bad_amounts_get_a_clear_message_and_no_confirmation(cashier, customer, meter, product, amount, message):
    html = confirmation(cashier, customer.identification, amount).content.decode()
    assert message in html
    assert "RECARGAR" not in html


def test_no_product_price_is_said_before_confirming(cashier, customer, meter, entity):
    f.make_product(entity, price_per_kwh=None)
    html = confirmation(cashier, customer.identification, "1500").content.decode()
    assert "El producto no tiene precio por kWh" in html
    assert "RECARGAR" not in html


def test_recargar_issues_the_receipt_and_shows_the_grouped_code(cashier, customer, meter, product, biller):
    fields = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    response = cashier.post(ISSUE, fields, follow=True)
    html = response.content.decode()
    receipt = Receipt.objects.get()
    assert response.redirect_chain[-1][0] == reverse("billing:done", args=[receipt.pk]) + "?exito=1"
    assert "Recarga exitosa" in html
    assert re.search(r"\b\d{4} \d{4} \d{4} \d{4} \d{4}\b", html)
    assert receipt.code_groups in html
    for fmt in ("letter", "80mm", "58mm"):
        assert reverse("billing:receipt", args=[receipt.pk, fmt]) in html
        assert reverse("billing:receipt_pdf", args=[receipt.pk, fmt]) in html
    assert receipt.biller == biller and receipt.kwh == D("3.0") and receipt.total == D("1500")
    assert isinstance(decode(decoder_key_for(meter), receipt.code), ValidCode)


def test_posting_the_same_confirmation_twice_issues_one_receipt(cashier, customer, meter, product):
    fields = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    first = cashier.post(ISSUE, fields)
    second = cashier.post(ISSUE, fields)
    assert first.status_code == second.status_code == 302
    receipt = Receipt.objects.get()
    done = reverse("billing:done", args=[receipt.pk])
    assert first["Location"].startswith(done) and second["Location"].startswith(done)


def test_a_resubmitted_recargar_says_the_receipt_was_already_issued_and_shows_it(cashier, customer, meter, product):
    fields = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    cashier.post(ISSUE, fields)
    html = cashier.post(ISSUE, fields, follow=True).content.decode()  # back button, RECARGAR again
    receipt = Receipt.objects.get()
    assert "Este comprobante ya había sido emitido: no se emitió otro. No cobre de nuevo." in html
    assert "Recarga exitosa" not in html
    assert receipt.code_groups in html and receipt.full_number in html


def test_the_caret_goes_to_the_amount_once_the_customer_is_found(cashier, customer, meter, product):
    html = cashier.get(NEW, {"identification": customer.identification}).content.decode()
    assert autofocused(html) == "amount"
    select = html.split('id="id_meter"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d*)"', select) == [str(meter.pk)]  # one meter: it is the one


def test_the_caret_starts_in_the_identification_and_stays_there_when_it_is_unknown(cashier, meter, product):
    assert autofocused(cashier.get(NEW).content.decode()) == "identification"
    assert autofocused(cashier.get(NEW, {"identification": "999"}).content.decode()) == "identification"


def test_enter_with_the_amount_typed_goes_on_to_the_confirmation(cashier, customer, meter, product):
    # Enter submits without a step: the page goes one step forward.
    html = cashier.get(NEW, {"identification": customer.identification, "amount": "1500"}).content.decode()
    assert 'id="recargar" autofocus' in html
    assert Receipt.objects.count() == 0


def test_a_bad_amount_keeps_the_caret_in_the_amount(cashier, customer, meter, product):
    html = confirmation(cashier, customer.identification, "mil").content.decode()
    assert autofocused(html) == "amount"


def test_with_several_meters_none_is_chosen_for_the_cashier(cashier, customer, meter, product):
    second = f.make_meter(customer)
    html = cashier.get(NEW, {"identification": customer.identification}).content.decode()
    assert autofocused(html) == "meter"
    select = html.split('id="id_meter"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d*)"', select)[0] == ""  # the first option chooses nothing
    assert " selected" not in select
    # Enter with the amount typed but no meter chosen: asked for the meter, nothing confirmed.
    html = cashier.get(NEW, {"identification": customer.identification, "meter": "", "amount": "1500"})
    html = html.content.decode()
    assert "Escoja el medidor a recargar." in html and "RECARGAR" not in html
    assert autofocused(html) == "meter"
    assert second.drn in html


@pytest.mark.parametrize("refusal", ["expired", "used_up"])
def test_a_license_that_may_not_issue_refuses_on_the_new_receipt_page_once(
    cashier, customer, meter, product, entity, refusal
):
    license = entity.current_license()
    if refusal == "expired":
        License.objects.filter(pk=license.pk).update(valid_until=timezone.now() - timedelta(days=1))
        message = "La licencia ha expirado el dia"
    else:
        License.objects.filter(pk=license.pk).update(next_receipt=license.receipt_to + 1)
        message = "ha excedido la cantidad de comprobantes asignadas"
    for params in ({}, {"identification": customer.identification, "amount": "1500", "step": "confirm"}):
        html = cashier.get(NEW, params).content.decode()
        assert html.count(message) == 1
        assert 'name="identification"' not in html and "RECARGAR" not in html
    assert Receipt.objects.count() == 0


def test_a_license_expiring_between_confirmation_and_recargar_is_said_once(cashier, customer, meter, product, entity):
    fields = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    License.objects.filter(entity=entity).update(valid_until=timezone.now() - timedelta(days=1))
    html = cashier.post(ISSUE, fields, follow=True).content.decode()
    assert html.count("La licencia ha expirado el dia") == 1
    assert Receipt.objects.count() == 0


def test_an_expired_license_shows_the_seeds_message_and_issues_nothing(cashier, customer, meter, product, entity):
    fields = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    License.objects.filter(entity=entity).update(valid_until=timezone.now() - timedelta(days=1))
    response = cashier.post(ISSUE, fields, follow=True)
    html = response.content.decode()
    assert "La licencia ha expirado el dia" in html
    assert "Recarga exitosa" not in html
    assert Receipt.objects.count() == 0
    # Back on the new-receipt page with the data filled in, to try again later.
    assert response.redirect_chain[-1][0].startswith(NEW + "?identification=1234567890")


def test_a_used_up_range_shows_the_seeds_message_and_issues_nothing(cashier, customer, meter, product, entity):
    license = entity.current_license()
    License.objects.filter(pk=license.pk).update(next_receipt=license.receipt_to + 1)
    fields = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    html = cashier.post(ISSUE, fields, follow=True).content.decode()
    assert "ha excedido la cantidad de comprobantes asignadas" in html
    assert Receipt.objects.count() == 0


def test_a_tampered_confirmation_issues_nothing(cashier, customer, meter, product):
    fields = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    for bad in ({"idempotency_key": "not-a-uuid"}, {"amount": "-5"}, {"meter": "x"}, {"total": ""}):
        response = cashier.post(ISSUE, {**fields, **bad}, follow=True)
        assert "La confirmación no es válida" in response.content.decode()
    assert Receipt.objects.count() == 0


def test_another_entitys_meter_in_the_confirmation_is_not_found(cashier, customer, meter, product, other_meter):
    fields = hidden_fields(confirmation(cashier, customer.identification, "1500").content.decode())
    response = cashier.post(ISSUE, {**fields, "meter": other_meter.pk})
    assert response.status_code == 404
    assert Receipt.objects.count() == 0


def test_issue_accepts_only_post(cashier):
    assert cashier.get(ISSUE).status_code == 405


def test_the_lookup_helper_answers_name_and_meters(cashier, customer, meter, other_customer):
    data = cashier.get(reverse("billing:lookup"), {"identification": "1234567890"}).json()
    assert data == {
        "found": True,
        "name": "Usuario Prueba",
        "id_type": "CC",
        "phone": customer.phone,
        "meters": [{"id": meter.pk, "drn": meter.drn}],
        "error": "",
    }
    data = cashier.get(reverse("billing:lookup"), {"identification": other_customer.identification}).json()
    assert data["found"] is False
    assert "No existe un usuario" in data["error"]


def test_the_quote_helper_previews_the_kwh_as_the_amount_is_typed(cashier, product):
    data = cashier.get(reverse("billing:quote"), {"amount": "1.549"}).json()
    assert data == {
        "ok": True,
        "kwh": "3.0",
        "kwh_display": "3,0 kWh",
        "total": "1500",
        "total_display": "$ 1.500",
        "change_display": "$ 49",
    }
    data = cashier.get(reverse("billing:quote"), {"amount": "abc"}).json()
    assert data["ok"] is False and "sin decimales" in data["error"]


def test_a_meter_recharged_minutes_ago_is_pointed_out_before_recargar(cashier, customer, meter, product):
    html = confirmation(cashier, customer.identification, "1500").content.decode()
    assert 'id="recent-recharge"' not in html
    cashier.post(ISSUE, hidden_fields(html))
    receipt = Receipt.objects.get()
    html = confirmation(cashier, customer.identification, "1500").content.decode()  # the sale started over
    assert f"Este medidor ya recibió una recarga de $ 1.500 a las {timezone.localtime(receipt.issued_at):%H:%M}" in html
    assert reverse("billing:done", args=[receipt.pk]) in html
    assert "RECARGAR" in html  # said, not refused: the customer may want a second one
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        html = confirmation(cashier, customer.identification, "1500").content.decode()
    assert 'id="recent-recharge"' not in html
