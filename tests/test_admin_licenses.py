"""Licenses in the operator's admin: ranges validated, numbering never touched by an edit."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from licensing.models import License


def license_data(entity, **kw):
    until = timezone.localtime(timezone.now() + timedelta(days=365))
    data = {
        "entity": entity.pk,
        "valid_until_0": until.strftime("%Y-%m-%d"),
        "valid_until_1": "23:59:00",
        "max_customers": "200",
        "receipt_prefix": "",
        "receipt_from": "1001",
        "receipt_to": "2000",
    }
    data.update(kw)
    return data


def test_the_operator_adds_a_following_license(client, operator, entity):
    client.force_login(operator)
    response = client.post(reverse("admin:licensing_license_add"), license_data(entity))
    assert response.status_code == 302
    assert entity.current_license().receipt_from == 1001
    assert entity.current_license().next_receipt == 1001


def test_an_overlapping_license_is_refused(client, operator, entity):
    client.force_login(operator)
    response = client.post(reverse("admin:licensing_license_add"), license_data(entity, receipt_from="900"))
    assert response.status_code == 200
    assert "se cruza" in response.content.decode()
    assert entity.licenses.count() == 1


def test_a_reversed_range_is_refused(client, operator, entity):
    client.force_login(operator)
    response = client.post(
        reverse("admin:licensing_license_add"), license_data(entity, receipt_from="3000", receipt_to="2000")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("receipt_to")
    assert entity.licenses.count() == 1


def test_editing_a_license_keeps_the_numbering(client, operator, entity):
    license = entity.current_license()
    with transaction.atomic():
        License.take_receipt_number(entity)
    client.force_login(operator)
    data = license_data(entity, receipt_to="1500", max_customers="300")
    response = client.post(reverse("admin:licensing_license_change", args=[license.pk]), data)
    assert response.status_code == 302
    license.refresh_from_db()
    assert (license.receipt_from, license.receipt_to, license.max_customers) == (1, 1500, 300)
    assert license.next_receipt == 2


def test_licenses_cannot_be_deleted(client, operator, entity):
    client.force_login(operator)
    license = entity.current_license()
    assert client.post(reverse("admin:licensing_license_delete", args=[license.pk])).status_code == 403
    assert License.objects.filter(pk=license.pk).exists()


def test_the_entity_page_lists_its_licenses(client, operator, entity):
    client.force_login(operator)
    body = client.get(reverse("admin:licensing_entity_change", args=[entity.pk])).content.decode()
    assert "1000" in body and "comprobantes restantes" in body.lower()
