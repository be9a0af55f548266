"""`manage.py load_demo`: the data `make run` starts with, created once however often it runs."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest

from aom.models import User
from billing.management.commands import load_demo
from billing.models import Product, Receipt
from customers.models import Customer, Meter
from licensing.models import Entity, License
from tokens.services import decoder_key_for
from tokens.sts import ValidCode, decode


def run() -> str:
    out = StringIO()
    # Tests run with DEBUG off, as production does: say that the demo is meant.
    call_command("load_demo", "--allow-without-debug", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_with_debug_off_the_demo_refuses_without_its_flag_and_creates_nothing(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=StringIO())
    assert not Entity.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_with_debug_on_the_demo_runs_without_a_flag(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    assert Entity.objects.filter(nit=load_demo.DEMO_NIT).exists()


@pytest.mark.django_db
def test_the_demo_creates_an_entity_with_everything_a_demo_needs():
    output = run()
    entity = Entity.objects.get(nit=load_demo.DEMO_NIT)
    assert entity.has_vending_key
    assert License.objects.filter(entity=entity).count() == 1
    assert Product.objects.get(entity=entity).price_per_kwh > 0
    assert User.objects.filter(entity=entity, role=User.Role.ADMIN).count() == 1
    assert User.objects.filter(entity=entity, role=User.Role.BILLER).count() == 2
    assert Customer.objects.filter(entity=entity).count() == 30
    assert Meter.objects.filter(entity=entity).count() == 31
    receipts = Receipt.objects.filter(entity=entity).order_by("number")
    assert receipts.count() >= 3 * load_demo.DAYS_OF_RECEIPTS
    # Numbers are consecutive from the range's start, and spread over the past weeks.
    assert [r.number for r in receipts] == list(range(1, receipts.count() + 1))
    days = {r.issued_at.date() for r in receipts}
    assert len(days) >= load_demo.DAYS_OF_RECEIPTS - 1
    # Issued through the real service: every code decodes with its meter's key to its kWh.
    for r in receipts[:10]:
        result = decode(decoder_key_for(r.meter), r.code)
        assert isinstance(result, ValidCode) and result.amount == r.kwh and result.tid == r.tid
    # The logins are printed.
    assert f"{load_demo.ADMIN_EMAIL} / {load_demo.DEMO_PASSWORD}" in output
    for email in load_demo.BILLER_EMAILS:
        assert f"{email} / {load_demo.DEMO_PASSWORD}" in output
    assert entity.name in output and "Licencia: válida hasta" in output


@pytest.mark.django_db
def test_the_demo_logins_work(client):
    run()
    assert client.login(request=HttpRequest(), email=load_demo.ADMIN_EMAIL, password=load_demo.DEMO_PASSWORD)
    assert client.login(request=HttpRequest(), email=load_demo.BILLER_EMAILS[0], password=load_demo.DEMO_PASSWORD)


@pytest.mark.django_db
def test_running_the_demo_twice_creates_nothing_twice():
    run()
    counts = (Entity.objects.count(), User.objects.count(), Customer.objects.count(), Meter.objects.count())
    receipts = Receipt.objects.count()
    next_receipt = License.objects.get().next_receipt
    output = run()
    assert (Entity.objects.count(), User.objects.count(), Customer.objects.count(), Meter.objects.count()) == counts
    assert Receipt.objects.count() == receipts
    assert License.objects.get().next_receipt == next_receipt
    assert "0 nuevos" in output


@pytest.mark.django_db
def test_the_demo_issues_plain_numbered_receipts_not_invoices():
    run()
    entity = Entity.objects.get(nit=load_demo.DEMO_NIT)
    license = entity.current_license()
    assert (license.receipt_prefix, license.has_dian_resolution) == ("", False)
    receipt = Receipt.objects.filter(entity=entity).order_by("number").first()
    assert (receipt.full_number, receipt.display_title, receipt.resolution_text) == ("1", "Comprobante de recarga", "")
