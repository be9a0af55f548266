"""The "Códigos de gestión" page of a meter: each engineering code issued like a sale (meter
locked, next TID, recorded) as a numbered document with its own sequence, printable, listed,
and applied by the firmware simulator."""

from decimal import Decimal

import pytest
from django.urls import reverse

from aom.models import AuditEvent
from licensing.models import License
from tests.test_end_to_end_meter import sell, sim
from tokens.models import EngineeringCode
from tokens.services import decoder_key_for
from tokens.sts import MAX_AMOUNT, ValidCode, decode


def issue(client, meter, kind, watts=""):
    return client.post(reverse("tokens:meter_codes_issue", args=[meter.pk]), {"kind": kind, "watts": watts})


def issued(response) -> EngineeringCode:
    assert response.status_code == 302, response.content.decode()[:2000]
    return EngineeringCode.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_each_engineering_code_reaches_the_simulated_meter(client, admin, biller, product, meter, tmp_path):
    client.force_login(biller)
    receipt = sell(client, meter, "2000")
    state = tmp_path / "meter.bin"
    sim(state, "init", "--decoder-key", decoder_key_for(meter).hex(), "--drn", meter.drn)
    assert sim(state, "keys", "*" + receipt.code + "A")["credit_kwh"] == 4.0

    client.force_login(admin)
    power = issued(issue(client, meter, "max_power", "1.500"))
    shown = sim(state, "keys", "*" + power.code + "A")
    assert shown["last_result"] == "accepted"
    assert "1500 W" in shown["message"]
    # The meter enforces it: a 3000 W load trips the relay, which retries and trips again.
    ran = sim(state, "run", "--hours", "0.17", "--load-w", "3000")
    assert ran["max_power_w"] == 1500 and ran["power_limit_trips"] >= 2
    assert ran["energy_kwh"] < 0.5  # less than 10 minutes at 3000 W: cut most of the time
    assert sim(state, "run", "--hours", "0.1", "--load-w", "1000")["relay"] == "closed"

    tamper = issued(issue(client, meter, "clear_tamper"))
    shown = sim(state, "keys", "*" + tamper.code + "A")
    assert shown["last_result"] == "accepted"
    assert "manipulación" in shown["message"].lower()

    test = issued(issue(client, meter, "test"))
    shown = sim(state, "keys", "*" + test.code + "A")
    assert (shown["last_result"], shown["message"].startswith("Prueba del medidor")) == ("accepted", True)

    clear = issued(issue(client, meter, "clear_credit"))
    shown = sim(state, "keys", "*" + clear.code + "A")
    assert (shown["last_result"], shown["credit_kwh"]) == ("accepted", 0)

    # Key change: a new key revision for this meter; its two codes, then a sale under the new key.
    response = client.post(reverse("tokens:meter_key_change", args=[meter.pk]), {"key_revision": "2"})
    change = issued(response)
    assert change.kind == "key_change" and change.code2
    sim(state, "keys", "*" + change.code + "A")
    shown = sim(state, "keys", "*" + change.code2 + "A")
    assert shown["last_result"] == "accepted"
    assert "Clave del medidor cambiada" in shown["message"]
    client.force_login(biller)
    after = sell(client, meter, "1000")
    assert not hasattr(after, "key_change") or after.key_change is None  # carried by the document already
    shown = sim(state, "keys", "*" + after.code + "A")
    assert (shown["last_result"], shown["credit_kwh"]) == ("accepted", 2.0)


def test_documents_have_their_own_numbers_and_the_next_tids(client, admin, biller, product, meter, entity):
    client.force_login(biller)
    receipt = sell(client, meter, "1000")
    license = License.objects.get(entity=entity)
    next_receipt = license.next_receipt
    client.force_login(admin)
    first = issued(issue(client, meter, "clear_credit"))
    second = issued(issue(client, meter, "max_power", "800"))
    assert (first.full_number, second.full_number) == ("ING-1", "ING-2")
    license.refresh_from_db()
    assert license.next_receipt == next_receipt  # the receipt range is untouched
    assert receipt.tid < first.tid < second.tid
    meter.refresh_from_db()
    assert meter.last_tid == second.tid
    key = decoder_key_for(meter)
    result = decode(key, second.code)
    assert isinstance(result, ValidCode) and (result.token_class, result.subclass, result.value) == (2, 0, 800)


def test_each_document_is_recorded_in_the_audit_trail(client, admin, meter):
    client.force_login(admin)
    doc = issued(issue(client, meter, "clear_tamper"))
    event = AuditEvent.objects.get(action="engineering_code_issued")
    assert (event.actor, event.target_id, event.entity_id) == (admin, str(doc.pk), meter.entity_id)
    assert meter.drn in event.detail


@pytest.mark.parametrize(
    ("kind", "watts", "message"),
    [
        ("max_power", "0", "al menos 1 W"),
        ("max_power", str(MAX_AMOUNT + 1), "no puede pasar de"),
        ("max_power", "", "Escriba el límite"),
        ("max_power", "mil", ""),
        ("self_destruct", "", ""),
    ],
)
def test_a_code_that_makes_no_sense_is_refused_and_changes_nothing(client, admin, meter, kind, watts, message):
    client.force_login(admin)
    response = issue(client, meter, kind, watts)
    assert response.status_code == 400
    assert message in response.content.decode()
    meter.refresh_from_db()
    assert meter.last_tid is None
    assert not EngineeringCode.objects.exists()
    assert not AuditEvent.objects.filter(action="engineering_code_issued").exists()


def test_the_largest_power_limit_the_code_carries_is_accepted(client, admin, meter):
    client.force_login(admin)
    doc = issued(issue(client, meter, "max_power", str(MAX_AMOUNT)))
    assert doc.value == MAX_AMOUNT


def test_a_key_change_without_a_change_is_refused(client, admin, meter):
    client.force_login(admin)
    response = issue(client, meter, "key_change")
    assert response.status_code == 400
    assert "cambie primero sus parámetros de clave" in response.content.decode()
    response = client.post(reverse("tokens:meter_key_change", args=[meter.pk]), {"key_revision": ""})
    assert response.status_code == 400
    assert not EngineeringCode.objects.exists()


def test_an_inactive_meter_gets_no_code(client, admin, meter):
    meter.is_active = False
    meter.save()
    client.force_login(admin)
    response = issue(client, meter, "clear_credit")
    assert response.status_code == 400
    assert "no está activo" in response.content.decode()
    assert not EngineeringCode.objects.exists()


def test_documents_print_in_three_formats_and_are_listed_on_the_meter(client, admin, meter):
    client.force_login(admin)
    doc = issued(issue(client, meter, "max_power", "2000"))
    for fmt in ("letter", "80mm", "58mm"):
        html = client.get(reverse("tokens:document_print", args=[doc.pk, fmt])).content.decode()
        assert doc.code_groups in html and doc.full_number in html and "2000 W" in html
    pdf = client.get(reverse("tokens:document_pdf", args=[doc.pk, "58mm"]))
    assert pdf.content.startswith(b"%PDF")
    assert client.get(reverse("tokens:document_print", args=[doc.pk, "a4"])).status_code == 404
    page = client.get(reverse("tokens:document", args=[doc.pk])).content.decode()
    assert doc.code_groups in page
    for url in (reverse("tokens:meter_codes", args=[meter.pk]), reverse("customers:meter_edit", args=[meter.pk])):
        assert doc.full_number in client.get(url).content.decode()


def test_a_power_limit_is_rounded_up_to_what_the_code_carries(client, admin, meter):
    client.force_login(admin)
    doc = issued(issue(client, meter, "max_power", "163830"))
    assert doc.value == 163834
    assert Decimal(doc.value) >= 163830
