"""The audit trail's one writer (`aom.audit.record`) and its append-only rows."""

import pytest
from django.test import RequestFactory

from aom import audit
from aom.models import AuditEvent


def test_record_takes_actor_entity_and_address_from_the_request(admin, customer):
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3")
    request.user = admin
    event = audit.record("customer_changed", request=request, target=customer, changes={"full_name": ["A", "B"]})
    event.refresh_from_db()
    assert (event.actor, event.entity, event.ip) == (admin, admin.entity, "10.1.2.3")
    assert event.actor_label == admin.email
    assert event.target_type == "customers.customer"
    assert event.target_id == str(customer.pk)
    assert event.changes == {"full_name": ["A", "B"]}


def test_the_operator_s_actions_belong_to_the_target_s_entity(operator, customer):
    event = audit.record("customer_changed", actor=operator, target=customer)
    assert event.entity == customer.entity


def test_audit_rows_cannot_be_changed_or_deleted(admin):
    event = audit.record("login", actor=admin)
    event.detail = "otra cosa"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_a_secret_field_is_never_recorded(admin):
    with pytest.raises(ValueError):
        audit.record("entity_changed", actor=admin, changes={"vending_key": ["a", "b"]})
    assert not AuditEvent.objects.exists()


def test_diff_lists_only_changed_fields(customer):
    before = audit.snapshot(customer, ["full_name", "email"])
    customer.full_name = "Otro Nombre"
    after = audit.snapshot(customer, ["full_name", "email"])
    assert audit.diff(before, after) == {"full_name": ["Usuario Prueba", "Otro Nombre"]}


def test_changes_are_shown_with_the_fields_spanish_names(admin, customer):
    event = audit.record("x_changed", actor=admin, target=customer, changes={"full_name": ["A", None], "gone": [1, 2]})
    assert event.changes_text() == "nombre completo: A → —; gone: 1 → 2"
