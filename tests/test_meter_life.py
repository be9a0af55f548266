"""A meter over its life: the provisioning file, downloaded once and taken by the simulator;
the replacement that moves a customer to a new meter while the old keeps its history."""

import json
import subprocess
import sys
import uuid
from decimal import Decimal

from django.urls import reverse

from aom.models import AuditEvent
from billing.models import Receipt
from billing.services import RechargeError, recharge_issue
from customers.models import Meter
from tests import factories as f
from tests.test_end_to_end_meter import SIMULATOR, sell, sim
from tokens.models import MeterReplacement, Provisioning
from tokens.services import decoder_key_for


def download(client, meter):
    return client.post(reverse("tokens:provisioning_download", args=[meter.pk]))


def test_the_provisioning_file_is_given_once_and_recorded(client, admin, meter):
    client.force_login(admin)
    page = client.get(reverse("tokens:provisioning", args=[meter.pk])).content.decode()
    assert "una sola vez" in page
    response = download(client, meter)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="aprovisionamiento-{meter.drn}.json"'
    data = json.loads(response.content)
    assert data["drn"] == meter.drn and data["decoder_key"] == decoder_key_for(meter).hex()
    assert (data["krn"], data["kt"], data["ti"], data["base_date"]) == (1, 2, 1, 2014)
    event = AuditEvent.objects.get(action="provisioning_downloaded")
    assert event.target_id == str(meter.pk) and data["decoder_key"] not in json.dumps(event.changes) + event.detail

    again = download(client, meter)
    assert again.status_code == 400 and "ya se descargó" in again.content.decode()
    assert (
        Provisioning.objects.count() == 1 and AuditEvent.objects.filter(action="provisioning_downloaded").count() == 1
    )
    assert 'id="provisioned"' in client.get(reverse("tokens:provisioning", args=[meter.pk])).content.decode()


def test_the_simulator_takes_the_provisioning_file_and_the_codes_sold(client, admin, biller, product, meter, tmp_path):
    client.force_login(admin)
    path = tmp_path / "provision.json"
    path.write_bytes(download(client, meter).content)
    state = tmp_path / "meter.bin"
    shown = sim(state, "init", "--provision", str(path))
    assert shown["relay"] == "open"
    client.force_login(biller)
    receipt = sell(client, meter, "1000")
    shown = sim(state, "keys", "*" + receipt.code + "A")
    assert (shown["last_result"], shown["credit_kwh"]) == ("accepted", float(receipt.kwh))


def test_the_simulator_refuses_a_file_that_is_not_a_provisioning_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"drn": "1"}')
    r = subprocess.run(
        [sys.executable, str(SIMULATOR), "--state", str(tmp_path / "m.bin"), "init", "--provision", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "not an AOM provisioning file" in r.stderr


def test_a_replaced_meter_keeps_its_history_and_sells_no_more(client, admin, biller, product, meter, customer):
    old_receipt = recharge_issue(biller=biller, meter=meter, amount=Decimal("1000"), idempotency_key=uuid.uuid4())
    client.force_login(admin)
    new_drn = f.luhn_complete("4799999999")
    response = client.post(
        reverse("tokens:replace", args=[meter.pk]), {"drn": new_drn, "installed_on": "2026-11-30", "reason": "Dañado"}
    )
    assert response.status_code == 302
    new = Meter.objects.get(drn=new_drn)
    assert (new.customer, new.is_active, new.subsidy_kwh) == (customer, True, meter.subsidy_kwh)
    meter.refresh_from_db()
    assert not meter.is_active
    assert MeterReplacement.objects.get(old_meter=meter).new_meter == new
    assert list(Receipt.objects.filter(meter=meter)) == [old_receipt]
    assert AuditEvent.objects.get(action="meter_replaced").changes == {"drn": [meter.drn, new_drn]}
    try:
        recharge_issue(biller=biller, meter=meter, amount=Decimal("1000"), idempotency_key=uuid.uuid4())
    except RechargeError as e:
        assert "no está activo" in str(e)
    else:
        raise AssertionError("the old meter sold")
    assert recharge_issue(biller=biller, meter=new, amount=Decimal("1000"), idempotency_key=uuid.uuid4()).meter == new
    codes = client.get(reverse("tokens:meter_codes", args=[meter.pk])).content.decode()
    assert new_drn in codes
    # Replacing it again is refused.
    again = client.post(reverse("tokens:replace", args=[meter.pk]), {"drn": f.luhn_complete("4799999998")})
    assert again.status_code == 400 and Meter.objects.filter(customer=customer).count() == 2


def test_a_bad_replacement_changes_nothing(client, admin, meter, customer):
    client.force_login(admin)
    for drn in ("123", meter.drn, f.luhn_complete("4799999999")[:-1] + "0"):
        response = client.post(reverse("tokens:replace", args=[meter.pk]), {"drn": drn})
        assert response.status_code == 400
    meter.refresh_from_db()
    assert meter.is_active and not MeterReplacement.objects.exists()
    assert Meter.objects.filter(customer=customer).count() == 1


def test_billers_and_other_entities_are_kept_out(client, biller, other_admin, meter):
    urls = [reverse("tokens:provisioning", args=[meter.pk]), reverse("tokens:replace", args=[meter.pk])]
    for user, status in ((biller, 403), (other_admin, 404)):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == status
        assert download(client, meter).status_code == status
        assert client.post(urls[1], {"drn": f.luhn_complete("4799999999")}).status_code == status
    assert not Provisioning.objects.exists() and not MeterReplacement.objects.exists()


def test_a_replaced_meter_cannot_be_switched_back_on(client, admin, meter):
    client.force_login(admin)
    client.post(reverse("tokens:replace", args=[meter.pk]), {"drn": f.luhn_complete("4799999999")})
    meter.refresh_from_db()
    meter.is_active = True  # as the meter form would save it
    meter.save()
    meter.refresh_from_db()
    assert not meter.is_active


def test_the_receipt_history_marks_voided_receipts(client, admin, biller, product, meter):
    receipt = recharge_issue(biller=biller, meter=meter, amount=Decimal("1000"), idempotency_key=uuid.uuid4())
    client.force_login(admin)
    assert "ANULADO" not in client.get(reverse("billing:index")).content.decode()
    client.post(reverse("billing:void", args=[receipt.pk]), {"reason": "Valor equivocado"})
    assert "ANULADO" in client.get(reverse("billing:index")).content.decode()
