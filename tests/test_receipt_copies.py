"""COPIA is honest: the customer's first paper of a receipt is the original whatever the cashier
opened first, every later paper says COPIA, and every paper is recorded.

A paper is a browser print (the page's script posts to `receipt_print` just before printing) or
a PDF download; looking at a receipt on screen is not one. Tested through the views, in every
order of opening.
"""

import itertools
import re
import uuid
from decimal import Decimal as D

import pytest
from django.urls import reverse

from billing import views
from billing.models import ReceiptPrint
from billing.services import recharge_issue

ACTIONS = [("view", "letter"), ("pdf", "80mm"), ("print", "58mm"), ("view", "80mm"), ("print", "letter")]


@pytest.fixture
def receipt(biller, meter, product):
    return recharge_issue(biller=biller, meter=meter, amount=D("1500"), idempotency_key=uuid.uuid4())


@pytest.fixture
def cashier(client, biller):
    client.force_login(biller)
    return client


@pytest.fixture
def pdf_html(monkeypatch):
    """The HTML each PDF download feeds WeasyPrint (the real renderer is tested elsewhere)."""
    fed = []

    def fake_pdf(html, format):
        fed.append(html)
        return b"%PDF-1.7 test"

    monkeypatch.setattr(views, "render_receipt_pdf", fake_pdf)
    return fed


def copy_mark(html: str) -> str:
    """ "shown", "hidden" (the page shows it only if it prints as a copy) or "absent"."""
    tag = re.search(r'<div class="copy" id="copy-mark"( hidden)?>', html)
    if tag is None:
        return "absent"
    return "hidden" if tag.group(1) else "shown"


def do(client, receipt, action, fmt, pdf_html) -> str:
    """What the paper (or the screen) says: "original", "COPIA", or for a view the next paper's."""
    if action == "view":
        html = client.get(reverse("billing:receipt", args=[receipt.pk, fmt])).content.decode()
        return {"hidden": "original", "shown": "COPIA"}[copy_mark(html)]
    if action == "print":
        response = client.post(reverse("billing:receipt_print", args=[receipt.pk, fmt]))
        assert response.status_code == 200
        return "COPIA" if response.json()["copy"] else "original"
    response = client.get(reverse("billing:receipt_pdf", args=[receipt.pk, fmt]))
    assert response.status_code == 200
    return {"absent": "original", "shown": "COPIA"}[copy_mark(pdf_html[-1])]


@pytest.mark.parametrize("order", list(itertools.permutations(ACTIONS, 4)), ids=lambda o: "-".join(map("".join, o)))
def test_only_the_first_paper_is_the_original_in_every_order(cashier, receipt, biller, pdf_html, order):
    papers = 0
    for action, fmt in order:
        said = do(cashier, receipt, action, fmt, pdf_html)
        if action == "view":
            assert said == ("COPIA" if papers else "original")  # the screen shows what will print
            continue
        assert said == ("COPIA" if papers else "original"), (action, fmt, papers)
        papers += 1
    expected = [(fmt, action == "pdf", i > 0) for i, (action, fmt) in enumerate(a for a in order if a[0] != "view")]
    recorded = list(ReceiptPrint.objects.filter(receipt=receipt).values_list("format", "as_pdf", "is_copy", "user"))
    assert recorded == [(*e, biller.pk) for e in expected]


def test_looking_at_a_receipt_many_times_records_nothing_and_the_first_pdf_is_the_original(cashier, receipt, pdf_html):
    for fmt in ("letter", "80mm", "58mm", "letter"):
        cashier.get(reverse("billing:receipt", args=[receipt.pk, fmt]))
    assert not ReceiptPrint.objects.exists()
    assert do(cashier, receipt, "pdf", "80mm", pdf_html) == "original"
    assert do(cashier, receipt, "pdf", "80mm", pdf_html) == "COPIA"


def test_another_cashier_reprinting_gets_a_copy(client, receipt, admin, cashier, pdf_html):
    assert do(cashier, receipt, "print", "80mm", pdf_html) == "original"
    client.force_login(admin)
    assert do(client, receipt, "pdf", "letter", pdf_html) == "COPIA"
    assert list(ReceiptPrint.objects.values_list("user__email", "is_copy")) == [
        ("bruno@example.org", False),
        ("ana@example.org", True),
    ]


def test_the_database_holds_one_original_per_receipt(receipt, biller):
    from django.db import IntegrityError, transaction

    ReceiptPrint.objects.create(receipt=receipt, user=biller, format="80mm")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceiptPrint.objects.create(receipt=receipt, user=biller, format="58mm")
    assert receipt.record_print(biller, "58mm") is True


def test_printing_is_a_post_and_only_for_the_receipts_a_user_may_see(
    client, receipt, other_biller, other_admin, cashier
):
    url = reverse("billing:receipt_print", args=[receipt.pk, "80mm"])
    assert cashier.get(url).status_code == 405
    client.force_login(other_biller)  # another biller of the same entity: not their receipt
    assert client.post(url).status_code == 404
    client.force_login(other_admin)
    assert client.post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302
    assert not ReceiptPrint.objects.exists()


def test_the_print_needs_the_csrf_token(receipt, biller):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(biller)
    assert strict.post(reverse("billing:receipt_print", args=[receipt.pk, "80mm"])).status_code == 403
    assert not ReceiptPrint.objects.exists()
