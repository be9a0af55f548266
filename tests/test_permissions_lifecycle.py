"""Who may open the pages of a meter's life (tokens) and of voided receipts: anonymous → login,
biller → 403 (except asking for a void of their own receipt), administrator → 200, another
entity's administrator → 404 on every object id, and nothing written by a refused request."""

import uuid
from decimal import Decimal as D

import pytest
from django.urls import reverse

from billing.services import recharge_issue
from tokens import lifecycle
from tokens.models import EngineeringCode, KeyChangeBatch, Provisioning


@pytest.fixture
def objects(admin, biller, meter, product):
    receipt = recharge_issue(biller=biller, meter=meter, amount=D("1500"), idempotency_key=uuid.uuid4())
    doc = lifecycle.issue_engineering(admin=admin, meter=meter, kind="clear_credit")
    batch = KeyChangeBatch.objects.create(entity=meter.entity, started_by=admin, total=0)
    return {"meter": meter, "document": doc, "receipt": receipt, "batch": batch}


# (url name, object, extra args, admin only)
PAGES = [
    ("tokens:meter_codes", "meter", [], True),
    ("tokens:document", "document", [], True),
    ("tokens:document_print", "document", ["80mm"], True),
    ("tokens:document_pdf", "document", ["58mm"], True),
    ("tokens:provisioning", "meter", [], True),
    ("tokens:replace", "meter", [], True),
    ("tokens:batch", None, [], True),
    ("tokens:batch_detail", "batch", [], True),
    ("tokens:batch_print", "batch", [], True),
]
POSTS = [
    ("tokens:meter_codes_issue", "meter", []),
    ("tokens:meter_key_change", "meter", []),
    ("tokens:provisioning_download", "meter", []),
    ("tokens:batch_start", None, []),
    ("tokens:batch_advance", "batch", []),
]


def url(name, key, extra, objects):
    return reverse(name, args=([objects[key].pk] if key else []) + extra)


def test_billers_are_refused_every_page_and_write_nothing(client, objects, biller):
    client.force_login(biller)
    for name, key, extra, _ in PAGES:
        assert client.get(url(name, key, extra, objects)).status_code == 403, name
    for name, key, extra in POSTS:
        data = {"kind": "clear_credit", "key_revision": "3", "confirm": "on"}
        assert client.post(url(name, key, extra, objects), data).status_code == 403, name
    assert EngineeringCode.objects.count() == 1
    assert KeyChangeBatch.objects.count() == 1 and not Provisioning.objects.exists()


def test_administrators_open_every_page(client, objects, admin):
    client.force_login(admin)
    for name, key, extra, _ in PAGES:
        assert client.get(url(name, key, extra, objects)).status_code == 200, name


def test_another_entitys_administrator_finds_nothing(client, objects, other_admin):
    client.force_login(other_admin)
    for name, key, extra, _ in PAGES:
        if key:
            assert client.get(url(name, key, extra, objects)).status_code == 404, name
    for name, key, extra in POSTS:
        if not key:
            continue
        response = client.post(url(name, key, extra, objects), {"kind": "clear_credit", "key_revision": "3"})
        assert response.status_code == 404, name
    assert EngineeringCode.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(client, objects):
    for name, key, extra, _ in PAGES:
        response = client.get(url(name, key, extra, objects))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


def test_mutations_accept_only_post(client, objects, admin):
    client.force_login(admin)
    for name, key, extra in POSTS:
        assert client.get(url(name, key, extra, objects)).status_code == 405, name


# -- voided receipts ------------------------------------------------------------------------------
def test_voids_biller_may_ask_on_their_receipt_but_not_list_or_decide(client, objects, biller, admin):
    from billing.models import ReceiptVoid

    client.force_login(biller)
    receipt = objects["receipt"]
    assert client.get(reverse("billing:void", args=[receipt.pk])).status_code == 200
    assert client.get(reverse("billing:void_requests")).status_code == 403
    client.post(reverse("billing:void", args=[receipt.pk]), {"reason": "valor equivocado"})
    v = ReceiptVoid.objects.get()
    assert client.post(reverse("billing:void_decide", args=[v.pk]), {"decision": "grant"}).status_code == 403
    assert client.get(reverse("billing:void_decide", args=[v.pk])).status_code == 405
    client.force_login(admin)
    assert client.get(reverse("billing:void_requests")).status_code == 200
    assert client.get(reverse("billing:void", args=[receipt.pk])).status_code == 200


def test_voids_another_entitys_administrator_finds_nothing(client, objects, other_admin):
    client.force_login(other_admin)
    assert client.get(reverse("billing:void", args=[objects["receipt"].pk])).status_code == 404
    assert client.get(reverse("billing:void_requests")).status_code == 200  # their own (empty) list


# Listed for the permissions inventory: "billing:void" "billing:void_requests" "billing:void_decide"
