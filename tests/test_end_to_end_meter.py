"""End to end: the platform sells codes for a meter; the simulated meter takes them.

The cashier's `RECARGAR` goes through the real page and service; the meter is
`firmware/simulate.py`, initialised with the decoder key the platform derives for that meter
(as the factory would load it).
"""

import json
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Receipt
from tests import factories as f
from tokens.services import decoder_key_for

SIMULATOR = Path(__file__).resolve().parent.parent / "firmware" / "simulate.py"


def sim(state, *args):
    now = timezone.now().strftime("%Y-%m-%d %H:%M")
    result = subprocess.run(
        [sys.executable, str(SIMULATOR), "--state", str(state), "--now", now, "--json", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def sell(client, meter, amount: str) -> Receipt:
    """The cashier confirms and presses RECARGAR, as the confirmation page posts it."""
    quote = client.get(reverse("billing:quote"), {"amount": amount}).json()
    response = client.post(
        reverse("billing:issue"),
        {"meter": meter.pk, "amount": amount, "total": quote["total"], "idempotency_key": uuid.uuid4()},
    )
    assert response.status_code == 302, response.content
    return Receipt.objects.get(pk=int(response["Location"].split("/")[-2]))


@pytest.fixture
def sold(client, biller, product, meter):
    client.force_login(biller)
    other_meter = f.make_meter(meter.customer)
    receipts = [sell(client, meter, amount) for amount in ("1200", "4000", "800")]
    foreign = sell(client, other_meter, "2000")
    return receipts, foreign


def test_the_simulated_meter_accepts_the_codes_the_platform_sells(tmp_path, sold, meter):
    receipts, foreign = sold
    state = tmp_path / "meter.bin"
    key = decoder_key_for(meter)
    sim(state, "init", "--decoder-key", key.hex(), "--drn", meter.drn, "--base-date", str(meter.sts_base_date))

    first = sim(state, "keys", "*" + receipts[0].code + "A")
    assert first["last_result"] == "accepted"
    assert Decimal(str(first["credit_kwh"])) == receipts[0].kwh
    assert first["relay"] == "closed"

    again = sim(state, "keys", "*" + receipts[0].code + "A")
    assert (again["last_result"], Decimal(str(again["credit_kwh"]))) == ("used", receipts[0].kwh)

    other = sim(state, "keys", "*" + foreign.code + "A")
    assert (other["last_result"], Decimal(str(other["credit_kwh"]))) == ("invalid", receipts[0].kwh)

    # The customer types the third code before the second: both count, once each.
    sim(state, "keys", "*" + receipts[2].code + "A")
    last = sim(state, "keys", "*" + receipts[1].code + "A")
    assert last["last_result"] == "accepted"
    assert Decimal(str(last["credit_kwh"])) == sum(r.kwh for r in receipts)
    assert sorted(last["tid_memory"]) == sorted(r.tid for r in receipts)


def test_the_price_the_page_shows_is_what_the_meter_credits(sold, product):
    receipts, _ = sold
    # $1.200 at $500/kWh buys 2.4 kWh; $4.000 buys 8 kWh; $800 buys 1.6 kWh.
    assert [r.kwh for r in receipts] == [Decimal("2.4"), Decimal("8.0"), Decimal("1.6")]
    assert [r.total for r in receipts] == [Decimal("1200"), Decimal("4000"), Decimal("800")]


def test_the_password_the_platform_shows_opens_the_simulated_meters_menu(tmp_path, client, admin, meter):
    state = tmp_path / "meter.bin"
    key = decoder_key_for(meter)
    init = sim(state, "init", "--decoder-key", key.hex(), "--drn", meter.drn, "--base-date", str(meter.sts_base_date))
    client.force_login(admin)
    page = client.get(reverse("customers:meter_edit", args=[meter.pk])).content.decode()
    shown = page.split('id="admin-password">')[1].split("<")[0]
    assert shown == init["admin_password"]
    assert sim(state, "keys", "#1234A")["mode"] == "main"  # not the factory password
    assert sim(state, "keys", "#" + shown + "A")["mode"] == "admin"
