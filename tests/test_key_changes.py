"""Key changes: the platform keeps both key generations; the next sale prints the two key change
codes first and the credit under the new key; a button re-issues them; a batch does it for every
meter; a change of base date rolls the TIDs over. The firmware simulator, initialised with the
old key, takes the three codes in order."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from aom.models import AuditEvent
from tests import factories as f
from tests.test_end_to_end_meter import sell, sim
from tokens import lifecycle
from tokens.models import EngineeringCode, KeyChangeBatch, MeterKey
from tokens.services import decoder_key_for
from tokens.sts import ValidCode, decode


def init_sim(tmp_path, meter, key=None, base_date=None):
    state = tmp_path / f"{meter.drn}.bin"
    key = key or decoder_key_for(meter).hex()
    sim(state, "init", "--decoder-key", key, "--drn", meter.drn, "--base-date", str(base_date or meter.sts_base_date))
    return state


def type_codes(state, *codes):
    shown = None
    for code in codes:
        shown = sim(state, "keys", "*" + code + "A")
        assert shown["last_result"] == "accepted", shown
    return shown


def test_the_next_sale_after_a_key_change_carries_both_codes_first(client, biller, admin, product, meter, tmp_path):
    old_key = decoder_key_for(meter)
    state = init_sim(tmp_path, meter)
    meter.key_revision = 2  # as the meter form saves it
    meter.save()
    meter.refresh_from_db()
    new_key = decoder_key_for(meter)
    assert new_key != old_key

    client.force_login(biller)
    receipt = sell(client, meter, "1500")
    kc = receipt.key_change
    assert kc.kct1 and kc.kct2 and kc.key_revision == 2
    assert isinstance(decode(old_key, kc.kct1), ValidCode)  # encrypted with the key the meter holds
    assert isinstance(decode(new_key, receipt.code), ValidCode)  # the credit under the new key
    # The page and each print: part 1, part 2, then the credit code, with the instruction.
    page = client.get(reverse("billing:done", args=[receipt.pk])).content.decode()
    for html in [page] + [
        client.get(reverse("billing:receipt", args=[receipt.pk, fmt])).content.decode()
        for fmt in ("letter", "80mm", "58mm")
    ]:
        g1, g2 = kc.kct_groups
        assert html.index(g1) < html.index(g2) < html.index(receipt.code_groups)
        assert "Ingrese estos códigos en este orden" in html
    # The meter with the old key takes the three codes in order and adds the credit.
    shown = type_codes(state, kc.kct1, kc.kct2, receipt.code)
    assert shown["credit_kwh"] == float(receipt.kwh)

    # Only the next sale carries them; the following one is a plain credit under the new key.
    second = sell(client, meter, "500")
    assert not MeterKey.objects.filter(delivered_receipt=second).exists()
    assert "Cambio de clave del medidor" not in client.get(reverse("billing:done", args=[second.pk])).content.decode()
    shown = type_codes(state, second.code)
    assert shown["credit_kwh"] == float(receipt.kwh + second.kwh)

    # The button re-issues the same two codes as a numbered document.
    client.force_login(admin)
    response = client.post(reverse("tokens:meter_codes_issue", args=[meter.pk]), {"kind": "key_change"})
    doc = EngineeringCode.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert (doc.code, doc.code2) == (kc.kct1, kc.kct2)
    assert AuditEvent.objects.filter(action="key_change_issued", target_id=str(doc.pk)).exists()


def test_a_new_vending_key_of_the_entity_is_a_key_change_too(client, biller, product, meter, entity, tmp_path):
    state = init_sim(tmp_path, meter)
    entity.set_vending_key(bytes.fromhex("0123456789abcdef"))  # the operator, in the Django admin
    entity.save()
    client.force_login(biller)
    receipt = sell(client, meter, "1000")
    kc = receipt.key_change
    shown = type_codes(state, kc.kct1, kc.kct2, receipt.code)
    assert shown["credit_kwh"] == float(receipt.kwh)


def test_the_page_shows_a_pending_key_change(client, admin, meter):
    meter.tariff_index = "02"
    meter.save()
    client.force_login(admin)
    assert client.get(reverse("tokens:meter_codes", args=[meter.pk])).status_code == 200
    lifecycle.prepare_key_change(meter)
    page = client.get(reverse("tokens:meter_codes", args=[meter.pk])).content.decode()
    assert 'id="pending-key-change"' in page


def test_a_move_to_base_date_2014_rolls_the_tids_over(client, biller, admin, product, tmp_path):
    entity = f.make_entity(base_date=1993)
    f.make_license(entity)
    f.make_product(entity)
    seller = f.make_user(entity, "biller")
    boss = f.make_user(entity, "admin")
    meter = f.make_meter(f.make_customer(entity))
    with time_machine.travel(datetime(2024, 6, 1, 12, 0, tzinfo=UTC), tick=False):
        client.force_login(seller)
        before = sell(client, meter, "1000")
        state = init_sim(tmp_path, meter, base_date=1993)
        type_codes(state, before.code)
        client.force_login(boss)
        response = client.post(reverse("tokens:batch_start"), {"base_date": "2014", "confirm": "on"})
        assert response.status_code == 302
        client.force_login(seller)
        after = sell(client, meter, "1000")
    kc = after.key_change
    assert kc.rollover and kc.base_date == 2014
    assert after.tid < before.tid  # minutes since 2014, not since 1993
    meter.refresh_from_db()
    assert meter.last_tid == after.tid
    shown = type_codes(state, kc.kct1, kc.kct2, after.code)
    assert shown["tid_memory"] == [after.tid]  # RO cleared the memory
    assert shown["credit_kwh"] == float(before.kwh + after.kwh)


def test_a_batch_changes_every_meter_with_progress_and_a_printed_list(
    client, admin, biller, product, meter, customer, monkeypatch, tmp_path
):
    second = f.make_meter(customer)
    retired = f.make_meter(customer, is_active=False)
    states = {m.pk: init_sim(tmp_path, m) for m in (meter, second)}
    monkeypatch.setattr(lifecycle, "BATCH_CHUNK", 1)
    client.force_login(admin)
    response = client.post(reverse("tokens:batch_start"), {"key_revision": "3", "confirm": "on"})
    batch = KeyChangeBatch.objects.get()
    assert response["Location"] == reverse("tokens:batch_detail", args=[batch.pk])
    assert (batch.done, batch.total, batch.finished_at) == (1, 2, None)
    page = client.get(response["Location"]).content.decode()
    assert "1 de 2 medidores listos" in page and 'id="batch-continue"' in page
    client.post(reverse("tokens:batch_advance", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.done == 2 and batch.finished_at is not None
    assert "2 de 2" in client.get(reverse("tokens:batch_detail", args=[batch.pk])).content.decode()
    printed = client.get(reverse("tokens:batch_print", args=[batch.pk])).content.decode()
    gens = {g.meter_id: g for g in MeterKey.objects.filter(batch=batch)}
    assert set(gens) == {meter.pk, second.pk}
    for g in gens.values():
        assert g.kct_groups[0] in printed and g.kct_groups[1] in printed
    assert retired.drn not in printed
    assert AuditEvent.objects.filter(action="batch_key_change_started").exists()
    # Same next-sale behaviour: each meter's next receipt carries its codes first.
    client.force_login(biller)
    for m in (meter, second):
        receipt = sell(client, m, "1000")
        assert receipt.key_change == gens[m.pk]
        shown = type_codes(states[m.pk], receipt.key_change.kct1, receipt.key_change.kct2, receipt.code)
        assert shown["credit_kwh"] == float(receipt.kwh)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"base_date": "1993", "confirm": "on"}, "no puede ser anterior"),
        ({"key_revision": "2"}, ""),
        ({"key_revision": "12", "confirm": "on"}, ""),
    ],
)
def test_a_bad_batch_changes_nothing(client, admin, entity, meter, data, message):
    client.force_login(admin)
    response = client.post(reverse("tokens:batch_start"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    entity.refresh_from_db()
    assert (entity.key_revision, entity.base_date) == (1, 2014)
    assert not KeyChangeBatch.objects.exists() and not MeterKey.objects.exists()


def test_billers_and_other_entities_are_kept_out_of_the_batch(client, admin, biller, other_admin, meter):
    client.force_login(admin)
    client.post(reverse("tokens:batch_start"), {"confirm": "on"})
    batch = KeyChangeBatch.objects.get()
    urls = [reverse(n, args=[batch.pk]) for n in ("tokens:batch_detail", "tokens:batch_print")]
    client.force_login(biller)
    for url in urls + [reverse("tokens:batch")]:
        assert client.get(url).status_code == 403
    for url in (reverse("tokens:batch_start"), reverse("tokens:batch_advance", args=[batch.pk])):
        assert client.post(url, {"key_revision": "4", "confirm": "on"}).status_code == 403
    client.force_login(other_admin)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(reverse("tokens:batch_advance", args=[batch.pk])).status_code == 404
    assert KeyChangeBatch.objects.count() == 1


def test_an_engineering_document_after_a_key_change_carries_it_first(client, admin, biller, product, meter, tmp_path):
    state = init_sim(tmp_path, meter)
    meter.key_revision = 2
    meter.save()
    client.force_login(admin)
    response = client.post(reverse("tokens:meter_codes_issue", args=[meter.pk]), {"kind": "clear_tamper"})
    doc = EngineeringCode.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    kc = doc.key_change
    for fmt in ("letter", "80mm", "58mm"):
        html = client.get(reverse("tokens:document_print", args=[doc.pk, fmt])).content.decode()
        assert html.index(kc.kct_groups[0]) < html.index(kc.kct_groups[1]) < html.index(doc.code_groups)
    type_codes(state, kc.kct1, kc.kct2, doc.code)
    client.force_login(biller)
    receipt = sell(client, meter, "1000")
    assert not MeterKey.objects.filter(delivered_receipt=receipt).exists()
    assert type_codes(state, receipt.code)["credit_kwh"] == float(receipt.kwh)
