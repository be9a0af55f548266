"""The license banner every user of the entity sees: 30 days before expiry, from 90 % of the
receipt range used, and clearly once expired or used up."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from licensing.models import License
from tests import factories as f

BOGOTA = zoneinfo.ZoneInfo("America/Bogota")
EXPIRY = datetime(2027, 3, 31, 23, 59, tzinfo=BOGOTA)


@pytest.fixture
def license(entity):
    lic = entity.current_license()
    License.objects.filter(pk=lic.pk).update(valid_until=EXPIRY)
    return lic


def banners(client, user):
    client.force_login(user)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    return [chunk.split("</div>")[0] for chunk in body.split('aom-license-banner" role="alert">')[1:]]


def use_receipts(license, n):
    License.objects.filter(pk=license.pk).update(next_receipt=license.receipt_from + n)


def test_no_banner_31_days_before_expiry(client, biller, license):
    with time_machine.travel(EXPIRY - timedelta(days=31), tick=False):
        assert banners(client, biller) == []


def test_a_warning_with_the_date_30_days_before_expiry(client, biller, license):
    with time_machine.travel(EXPIRY - timedelta(days=30), tick=False):
        shown = banners(client, biller)
    assert shown == ["La licencia vence el 2027-03-31 23:59 (faltan 30 días)."]


def test_every_user_of_the_entity_sees_it(client, admin, biller, other_admin, license):
    with time_machine.travel(EXPIRY - timedelta(days=3), tick=False):
        assert len(banners(client, admin)) == 1
        assert len(banners(client, biller)) == 1
        assert banners(client, other_admin) == []  # another entity's license is fine


def test_an_expired_license_says_so_with_the_seeds_message(client, biller, license):
    with time_machine.travel(EXPIRY + timedelta(minutes=1), tick=False):
        shown = banners(client, biller)
    assert shown == ["La licencia ha expirado el dia 2027-03-31 23:59:00"]


def test_no_range_warning_below_90_percent(client, biller, license):
    use_receipts(license, 899)  # of 1000
    with time_machine.travel(EXPIRY - timedelta(days=100), tick=False):
        assert banners(client, biller) == []


def test_a_range_warning_with_the_receipts_left_from_90_percent(client, biller, license):
    use_receipts(license, 900)
    with time_machine.travel(EXPIRY - timedelta(days=100), tick=False):
        shown = banners(client, biller)
    assert shown == ["Quedan 100 de 1000 comprobantes en el rango asignado (hasta el 1000)."]


def test_a_used_up_range_says_so_with_the_seeds_message(client, biller, license):
    use_receipts(license, 1000)
    with time_machine.travel(EXPIRY - timedelta(days=100), tick=False):
        shown = banners(client, biller)
    assert shown == ["ha excedido la cantidad de comprobantes asignadas"]


def test_both_warnings_at_once(client, admin, license):
    use_receipts(license, 950)
    with time_machine.travel(EXPIRY - timedelta(days=1), tick=False):
        assert len(banners(client, admin)) == 2


def test_an_entity_without_license_is_told(client, db):
    user = f.make_user(f.make_entity(), "admin")
    assert banners(client, user) == ["La entidad no tiene una licencia activa: no se pueden emitir comprobantes."]


def test_the_operator_sees_no_license_banner(client, operator):
    client.force_login(operator)
    assert "aom-license-banner" not in client.get(reverse("admin:index")).content.decode()


def test_the_last_day_reads_naturally(client, biller, license):
    with time_machine.travel(EXPIRY - timedelta(hours=30), tick=False):
        assert banners(client, biller) == ["La licencia vence el 2027-03-31 23:59 (falta 1 día)."]
