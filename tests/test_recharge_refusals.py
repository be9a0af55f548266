"""Every refusal on the recharge path reaches the cashier as a clear message, issues nothing, and
is logged with the meter and an error id, never the key. A forced error while a key is in scope
shows no key on the technical error page, even with DEBUG on."""

import logging
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

import tokens.sts.keys
from billing.models import Receipt
from customers.models import Meter
from licensing.models import License
from tests import factories as f
from tokens.services import decoder_key_for

ISSUE = reverse("billing:issue")
KEY_HEX = f.VENDING_KEY.hex()


@pytest.fixture
def cashier(client, biller):
    client.force_login(biller)
    return client


def post_recharge(client, meter, amount="5000", total="5000"):
    data = {"meter": meter.pk, "amount": amount, "total": total, "idempotency_key": str(uuid.uuid4())}
    return client.post(ISSUE, data, follow=True)


def key_forms(meter) -> list[str]:
    """The ways a vending or decoder key could appear in a page or a log line."""
    vk = f.VENDING_KEY
    forms = [vk.hex(), vk.hex().upper(), repr(vk), str(int.from_bytes(vk, "big")), "\\xab\\xab\\xab"]
    try:
        dk = decoder_key_for(meter)
    except Exception:  # noqa: BLE001 - the meter's parameters may be the broken part
        return forms
    return [*forms, dk.hex(), dk.hex().upper(), str(int(dk))]


def assert_nothing_issued(meter, next_receipt):
    assert not Receipt.objects.exists()
    assert License.objects.get(entity=meter.entity).next_receipt == next_receipt
    assert Meter.objects.get(pk=meter.pk).last_tid is None


def refused_message(response) -> str:
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    return messages[0]


def error_id_logged(caplog, meter) -> str:
    records = [r for r in caplog.records if r.name == "aom.recharge"]
    assert len(records) == 1
    line = records[0].getMessage()
    assert meter.drn in line and f"id {meter.pk}" in line
    return re.search(r"error ([0-9A-F]{8})", line).group(1)


@pytest.mark.parametrize("sgc", ["١٢٣٤٥٦", "１２３４５６"])
def test_a_meter_with_non_ascii_digits_in_its_sgc_is_refused_with_a_message(cashier, meter, product, caplog, sgc):
    # Saved before the validators were ASCII-only (or by a path that skipped them).
    Meter.objects.filter(pk=meter.pk).update(supply_group_code=sgc)
    meter.refresh_from_db()
    next_receipt = License.objects.get(entity=meter.entity).next_receipt
    with caplog.at_level(logging.INFO):
        response = post_recharge(cashier, meter)
    assert response.status_code == 200
    message = refused_message(response)
    assert f"Los parámetros STS del medidor {meter.drn} no son válidos" in message
    assert "no se emitió ningún código" in message
    assert_nothing_issued(meter, next_receipt)
    error_id = error_id_logged(caplog, meter)
    assert f"(error {error_id})" in message
    for form in key_forms(meter):
        assert form not in caplog.text and form not in message


def test_a_meter_whose_serial_fails_its_check_digit_is_refused(cashier, meter, product, caplog):
    bad = meter.drn[:-1] + str((int(meter.drn[-1]) + 1) % 10)
    Meter.objects.filter(pk=meter.pk).update(drn=bad)
    meter.refresh_from_db()
    with caplog.at_level(logging.INFO):
        message = refused_message(post_recharge(cashier, meter))
    assert "Los parámetros STS del medidor" in message
    assert_nothing_issued(meter, 1)
    assert error_id_logged(caplog, meter) in message


def test_a_vending_key_that_does_not_open_is_refused_with_a_message(cashier, meter, product, caplog, settings):
    settings.AOM_FIELD_KEY = "11" * 32  # the field key was changed without rotating the secrets
    with caplog.at_level(logging.INFO):
        message = refused_message(post_recharge(cashier, meter))
    assert "La clave de venta de la entidad no se puede abrir" in message
    assert_nothing_issued(meter, 1)
    error_id = error_id_logged(caplog, meter)
    assert error_id in message
    settings.AOM_FIELD_KEY = "00" * 32
    for form in key_forms(meter):
        assert form not in caplog.text


def test_a_vending_key_of_the_wrong_size_is_refused_with_a_message(cashier, meter, product, entity, caplog):
    entity.key_derivation = entity.KeyDerivation.DKGA04  # the stored key is a DKGA02 (8-byte) key
    entity.save()
    with caplog.at_level(logging.INFO):
        message = refused_message(post_recharge(cashier, meter))
    assert "No se pudo generar la clave para el medidor" in message
    assert_nothing_issued(meter, 1)
    assert error_id_logged(caplog, meter) in message


@pytest.mark.parametrize("debug", [True, False])
def test_an_unexpected_error_while_a_key_is_in_scope_shows_no_key(biller, meter, product, settings, caplog, debug):
    """The engine fails deep inside the key derivation, where its frames hold the vending key and
    the decoder key as plain locals: the technical 500 page and the log show neither."""
    secrets = key_forms(meter)
    settings.DEBUG = debug

    def boom(*args, **kwargs):
        raise RuntimeError("the engine broke")

    original = tokens.sts.keys.control_block
    tokens.sts.keys.control_block = boom
    try:
        client = Client(raise_request_exception=False)
        client.force_login(biller)
        with caplog.at_level(logging.DEBUG):
            response = client.post(
                ISSUE, {"meter": meter.pk, "amount": "5000", "total": "5000", "idempotency_key": str(uuid.uuid4())}
            )
    finally:
        tokens.sts.keys.control_block = original
    assert response.status_code == 500
    page = response.content.decode()
    if debug:  # the technical page, with every frame's variables
        assert "derive_decoder_key" in page and "the engine broke" in page
        assert "vending_key" in page  # the variable is listed, its value is not
    for form in secrets:
        assert form not in page, form
        assert form not in caplog.text, form
    assert "Internal Server Error" in caplog.text or "the engine broke" in caplog.text
    assert not Receipt.objects.exists()


def test_the_opened_vending_key_never_prints(entity):
    key = entity.vending_key()
    assert key == f.VENDING_KEY
    for text in (repr(key), str(key), f"{key}", f"{key!r}", repr([key]), repr({"k": key})):
        assert KEY_HEX not in text and "\\xab" not in text
    with pytest.raises(TypeError):
        key.hex()
