"""The operator's Django admin: superusers only, entities with a write-only vending key."""

import io
import logging
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.views.debug import ExceptionReporter
from PIL import Image

from licensing.models import Entity
from tests import factories as f

KEY02 = "0123456789ABCDEF"
KEY04 = "00112233445566778899AABBCCDDEEFF01234567"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_file(fmt="PNG", name="logo.png", size=(40, 20)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 0)).save(buf, fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=f"image/{fmt.lower()}")


def entity_data(entity=None, **kw):
    data = {
        "name": "Cooperativa Nueva",
        "nit": "900111222",
        "address": "Calle 5",
        "city": "Puerto Gaitán",
        "phone": "3001112233",
        "email": "info@nueva.example.org",
        "web": "nueva.example.org",
        "sponsor": "Gobernación",
        "vending_key": KEY02,
        "supply_group_code": "600100",
        "tariff_index": "01",
        "key_revision": "1",
        "key_type": "2",
        "base_date": "2014",
        "key_derivation": "02",
        "licenses-TOTAL_FORMS": "0",
        "licenses-INITIAL_FORMS": "0",
        "licenses-MIN_NUM_FORMS": "0",
        "licenses-MAX_NUM_FORMS": "1000",
    }
    if entity is not None:
        n = entity.licenses.count()
        data.update({"licenses-TOTAL_FORMS": str(n), "licenses-INITIAL_FORMS": str(n)})
    data.update(kw)
    return data


def test_entity_users_never_get_into_the_admin(client, admin, biller):
    for user in (admin, biller):
        user.is_staff = True  # even if someone ticks the flag
        user.save()
        client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
        assert client.get(reverse("admin:licensing_entity_changelist")).status_code == 302


def test_entity_users_cannot_log_in_through_the_admin_form(client, admin):
    response = client.post(reverse("admin:login"), {"username": admin.email, "password": f.PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_operator_gets_in(client, operator):
    client.force_login(operator)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_operator_adds_an_entity_with_a_sealed_vending_key(client, operator):
    client.force_login(operator)
    response = client.post(reverse("admin:licensing_entity_add"), entity_data(logo=image_file()))
    assert response.status_code == 302, response.context["adminform"].form.errors
    entity = Entity.objects.get(nit="900111222")
    assert entity.vending_key() == bytes.fromhex(KEY02)
    assert KEY02.lower() not in entity.vending_key_sealed.lower()
    assert entity.logo.name.startswith("logos/")
    assert entity.sponsor == "Gobernación"


def test_the_vending_key_is_required_for_a_new_entity(client, operator):
    client.force_login(operator)
    response = client.post(reverse("admin:licensing_entity_add"), entity_data(vending_key=""))
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("vending_key")
    assert not Entity.objects.filter(nit="900111222").exists()


@pytest.mark.parametrize(
    ("derivation", "typed"),
    [("02", "0123456789ABCDE"), ("02", "0123456789ABCDEG"), ("02", KEY04), ("04", KEY02)],
)
def test_a_badly_sized_or_non_hex_key_is_refused_without_repeating_it(client, operator, derivation, typed):
    client.force_login(operator)
    response = client.post(
        reverse("admin:licensing_entity_add"), entity_data(vending_key=typed, key_derivation=derivation)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("vending_key")
    assert typed.lower() not in response.content.decode().lower()
    assert not Entity.objects.filter(nit="900111222").exists()


def test_dkga04_takes_a_40_digit_key(client, operator):
    client.force_login(operator)
    response = client.post(reverse("admin:licensing_entity_add"), entity_data(vending_key=KEY04, key_derivation="04"))
    assert response.status_code == 302
    assert Entity.objects.get(nit="900111222").vending_key() == bytes.fromhex(KEY04)


def test_the_key_is_never_shown_again(client, operator, entity):
    client.force_login(operator)
    body = client.get(reverse("admin:licensing_entity_change", args=[entity.pk])).content.decode().lower()
    assert f.VENDING_KEY.hex() not in body
    assert entity.vending_key_sealed.lower() not in body
    assert 'name="vending_key"' in body


def test_a_blank_key_on_edit_keeps_the_old_one(client, operator, entity):
    client.force_login(operator)
    data = entity_data(entity, vending_key="", name="Nombre Cambiado", nit=entity.nit)
    response = client.post(reverse("admin:licensing_entity_change", args=[entity.pk]), data)
    assert response.status_code == 302
    entity.refresh_from_db()
    assert entity.name == "Nombre Cambiado"
    assert entity.vending_key() == f.VENDING_KEY


def test_a_new_key_on_edit_replaces_the_old_one(client, operator, entity):
    client.force_login(operator)
    client.post(reverse("admin:licensing_entity_change", args=[entity.pk]), entity_data(entity, nit=entity.nit))
    entity.refresh_from_db()
    assert entity.vending_key() == bytes.fromhex(KEY02)


def test_changing_the_derivation_requires_a_new_key(client, operator, entity):
    client.force_login(operator)
    data = entity_data(entity, vending_key="", key_derivation="04")
    response = client.post(reverse("admin:licensing_entity_change", args=[entity.pk]), data)
    assert response.context["adminform"].form.has_error("vending_key")
    entity.refresh_from_db()
    assert entity.key_derivation == "02"


def test_the_key_never_reaches_the_logs(client, operator, caplog, settings):
    settings.DEBUG = True  # logs every SQL statement with its parameters
    client.force_login(operator)
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="django"):
        client.post(reverse("admin:licensing_entity_add"), entity_data())
        client.post(reverse("admin:licensing_entity_add"), entity_data(vending_key=KEY02[:-1], nit="1"))
    assert any(r.name == "django.db.backends" for r in caplog.records)
    assert KEY02.lower() not in caplog.text.lower()
    assert KEY02[:-1].lower() not in caplog.text.lower()


def test_the_key_is_masked_in_error_reports(client, operator, caplog):
    client.force_login(operator)
    client.raise_request_exception = False
    with mock.patch.object(Entity, "save", side_effect=RuntimeError("disk full")):
        response = client.post(reverse("admin:licensing_entity_add"), entity_data())
    assert response.status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request")
    report = ExceptionReporter(record.request, *record.exc_info)
    text = report.get_traceback_text() + report.get_traceback_html()
    assert "disk full" in text
    assert KEY02.lower() not in text.lower()
    assert f.VENDING_KEY.hex() not in text.lower()
    assert repr(bytes.fromhex(KEY02)) not in text


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png"), "imagen"),
        (image_file("GIF", "logo.gif"), "PNG o JPEG"),
        (image_file("PNG", "grande.png", size=(5000, 10)), "píxeles"),
    ],
)
def test_a_logo_must_be_a_real_png_or_jpeg(client, operator, upload, message):
    client.force_login(operator)
    response = client.post(reverse("admin:licensing_entity_add"), entity_data(logo=upload))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.has_error("logo")
    assert message in " ".join(form.errors["logo"])
    assert not Entity.objects.filter(nit="900111222").exists()


def test_a_logo_over_the_size_limit_is_refused(client, operator, settings):
    client.force_login(operator)
    with mock.patch("licensing.models.LOGO_MAX_BYTES", 100):
        response = client.post(reverse("admin:licensing_entity_add"), entity_data(logo=image_file("JPEG", "l.jpg")))
    assert response.context["adminform"].form.has_error("logo")
    assert "1 MB" in " ".join(response.context["adminform"].form.errors["logo"])


def test_a_jpeg_logo_is_accepted(client, operator):
    client.force_login(operator)
    response = client.post(reverse("admin:licensing_entity_add"), entity_data(logo=image_file("JPEG", "l.jpg")))
    assert response.status_code == 302


def test_the_development_field_key_warning_shows_in_the_admin(client, operator, entity, settings):
    settings.AOM_FIELD_KEY_IS_DEV = True
    client.force_login(operator)
    for url in (reverse("admin:index"), reverse("admin:licensing_entity_change", args=[entity.pk])):
        assert "AOM_FIELD_KEY no está configurada" in client.get(url).content.decode()
    settings.AOM_FIELD_KEY_IS_DEV = False
    assert "AOM_FIELD_KEY no está configurada" not in client.get(reverse("admin:index")).content.decode()


def test_entities_cannot_be_deleted_from_the_admin(client, operator, entity):
    client.force_login(operator)
    assert client.post(reverse("admin:licensing_entity_delete", args=[entity.pk])).status_code == 403
    assert Entity.objects.filter(pk=entity.pk).exists()


def test_the_operator_creates_an_administrator_account(client, operator, entity):
    client.force_login(operator)
    data = {
        "email": "Nueva@Example.org",
        "full_name": "Nueva Administradora",
        "identification": "",
        "entity": entity.pk,
        "role": "admin",
        "password1": "recarga-Solar-2026",
        "password2": "recarga-Solar-2026",
        "usable_password": "true",
    }
    response = client.post(reverse("admin:aom_user_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = entity.users.get(email="nueva@example.org")
    assert user.is_admin and user.check_password("recarga-Solar-2026")


def test_an_account_without_entity_is_refused_in_the_admin(client, operator):
    client.force_login(operator)
    data = {
        "email": "x@example.org",
        "full_name": "X",
        "role": "admin",
        "password1": "recarga-Solar-2026",
        "password2": "recarga-Solar-2026",
    }
    response = client.post(reverse("admin:aom_user_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("entity")
