"""`manage.py rotate_field_key`: every sealed secret from the old AOM_FIELD_KEY to the new one, in
one transaction, or nothing at all."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from aom.lib import secretbox
from licensing.models import Entity
from tests import factories as f

OLD = "00" * 32  # the key the tests run with
NEW = "7e" * 32
KEY_A = bytes.fromhex("0123456789abcdef")
KEY_B = bytes.fromhex("fedcba9876543210")


@pytest.fixture
def entities(db):
    return f.make_entity(vending_key=KEY_A), f.make_entity(vending_key=KEY_B), f.make_entity(vending_key=KEY_A)


def sealed_values():
    return list(Entity.objects.order_by("pk").values_list("vending_key_sealed", flat=True))


def rotate(monkeypatch, settings, old=OLD, new=NEW) -> str:
    monkeypatch.setenv("AOM_OLD_FIELD_KEY", old)
    settings.AOM_FIELD_KEY = new
    out = StringIO()
    call_command("rotate_field_key", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_rotation_re_encrypts_every_vending_key_under_the_new_key(entities, monkeypatch, settings):
    before = sealed_values()
    output = rotate(monkeypatch, settings)
    assert "3 sealed secrets re-encrypted" in output
    after = sealed_values()
    assert all(a != b for a, b in zip(before, after, strict=True))
    a, b, c = (Entity.objects.get(pk=e.pk) for e in entities)
    # The app, now running with the new key, opens them; the old key no longer does.
    assert (a.vending_key(), b.vending_key(), c.vending_key()) == (KEY_A, KEY_B, KEY_A)
    settings.AOM_FIELD_KEY = OLD
    with pytest.raises(secretbox.SecretError):
        a.vending_key()
    for text in (output, *after):
        assert KEY_A.hex() not in text and NEW not in text and OLD not in text


def test_a_rotated_key_still_issues_codes_that_match_the_meter(entities, monkeypatch, settings):
    from tokens.services import decoder_key_for

    customer = f.make_customer(entities[0])
    meter = f.make_meter(customer)
    before = decoder_key_for(meter)
    rotate(monkeypatch, settings)
    meter.entity.refresh_from_db()
    assert decoder_key_for(meter) == before


def test_a_wrong_old_key_changes_nothing_and_names_the_entity(entities, monkeypatch, settings):
    before = sealed_values()
    with pytest.raises(CommandError, match=f"entity {entities[0].pk} .*nothing was changed") as caught:
        rotate(monkeypatch, settings, old="11" * 32)
    assert "11" * 32 not in str(caught.value)
    assert sealed_values() == before
    settings.AOM_FIELD_KEY = OLD
    assert Entity.objects.get(pk=entities[0].pk).vending_key() == KEY_A


def test_one_secret_that_does_not_open_rolls_back_those_already_rotated(entities, monkeypatch, settings):
    # The last entity was sealed under some other key: the first two open, the third does not.
    last = entities[2]
    settings.AOM_FIELD_KEY = "22" * 32
    last.set_vending_key(KEY_A)
    last.save()
    settings.AOM_FIELD_KEY = OLD
    before = sealed_values()
    with pytest.raises(CommandError, match=f"entity {last.pk} "):
        rotate(monkeypatch, settings)
    assert sealed_values() == before


@pytest.mark.parametrize(
    "old, message",
    [("", "Set AOM_OLD_FIELD_KEY"), ("abc", "must be 64 hex digits"), (NEW, "the same key")],
)
def test_a_missing_malformed_or_unchanged_old_key_changes_nothing(entities, monkeypatch, settings, old, message):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    before = sealed_values()
    with pytest.raises(CommandError, match=message):
        rotate(monkeypatch, settings, old=old)
    assert sealed_values() == before


def test_the_meters_older_key_generations_are_rotated_too(entities, monkeypatch, settings):
    from tokens.models import MeterKey

    entity = entities[0]
    meter = f.make_meter(f.make_customer(entity))
    entity.set_vending_key(KEY_B)  # a new vending key: the meter's old generation is kept, sealed
    entity.save()
    generation = MeterKey.objects.get(meter=meter)
    old_decoder_key = generation.decoder_key()
    sealed_before = generation.decoder_key_sealed
    output = rotate(monkeypatch, settings)
    assert "4 sealed secrets re-encrypted" in output
    generation.refresh_from_db()
    assert generation.decoder_key_sealed != sealed_before
    assert generation.decoder_key() == old_decoder_key  # opens under the new AOM_FIELD_KEY
    settings.AOM_FIELD_KEY = OLD
    with pytest.raises(secretbox.SecretError):
        generation.decoder_key()
