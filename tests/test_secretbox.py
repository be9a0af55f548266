import pytest

from aom.lib import secretbox
from licensing.models import Entity


def test_sealed_value_round_trips_and_hides_the_plaintext():
    stored = secretbox.seal(b"\xab" * 8, "ctx")
    assert stored.startswith("v1:")
    assert "abababab" not in stored
    assert secretbox.unseal(stored, "ctx") == b"\xab" * 8


def test_sealed_value_does_not_open_under_another_context():
    stored = secretbox.seal(b"\xab" * 8, "entity-a")
    with pytest.raises(secretbox.SecretError):
        secretbox.unseal(stored, "entity-b")


def test_sealed_value_does_not_open_under_another_field_key(settings):
    stored = secretbox.seal(b"secret", "ctx")
    settings.AOM_FIELD_KEY = "11" * 32
    with pytest.raises(secretbox.SecretError) as excinfo:
        secretbox.unseal(stored, "ctx")
    assert "secret" not in str(excinfo.value).replace("The secret", "")


def test_entity_vending_key_is_write_only_at_rest():
    entity = Entity(name="E", nit="900", supply_group_code="123456")
    entity.set_vending_key(bytes.fromhex("abababababababab"))
    assert "abab" not in entity.vending_key_sealed
    assert entity.vending_key() == bytes.fromhex("abababababababab")


def test_entity_refuses_a_vending_key_of_the_wrong_length():
    entity = Entity(name="E", nit="900", supply_group_code="123456")
    with pytest.raises(ValueError):
        entity.set_vending_key(b"short")
