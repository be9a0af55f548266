"""The entity's administrator edits the receipt's header, sponsor, title and DIAN numbering
resolution on a page of their own, with a preview of a receipt as it will print."""

import uuid
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aom.models import AuditEvent
from billing.services import recharge_issue
from licensing.models import Entity, License

PAGE = reverse("licensing:receipt_header")
PREVIEW = reverse("licensing:receipt_header_preview")
HEADER = {
    "name": "Cooperativa Solar del Ariari",
    "nit": "900777888-1",
    "address": "Calle 10 # 5-20",
    "city": "Granada, Meta",
    "phone": "+57 608 6580000",
    "email": "caja@ariari.example.org",
    "web": "ariari.example.org",
    "sponsor": "Alcaldía de Granada",
    "receipt_title": "",
}
RESOLUTION = {
    "dian-dian_resolution": "18764003520321",
    "dian-dian_resolution_date": "2026-01-15",
    "dian-dian_prefix": "",
    "dian-dian_from": "1",
    "dian-dian_to": "5000",
    "dian-dian_valid_until": "2028-01-15",
}
NO_RESOLUTION = dict.fromkeys(RESOLUTION, "")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def office(client, admin):
    client.force_login(admin)
    return client


def sell(biller, meter):
    return recharge_issue(biller=biller, meter=meter, amount=D("1500"), idempotency_key=uuid.uuid4())


def test_the_administrator_edits_the_header_and_the_next_receipt_prints_it(office, entity, biller, meter, product):
    response = office.post(PAGE, {**HEADER, **NO_RESOLUTION})
    assert response.status_code == 302 and response["Location"] == PAGE
    entity.refresh_from_db()
    assert {k: getattr(entity, k) for k in HEADER} == HEADER
    assert "Encabezado del comprobante actualizado." in office.get(PAGE).content.decode()
    event = AuditEvent.objects.get(action="entity_changed")
    assert event.changes["name"] == ["Cooperativa Solar del Meta", "Cooperativa Solar del Ariari"]
    receipt = sell(biller, meter)
    office.force_login(biller)
    html = office.get(reverse("billing:receipt", args=[receipt.pk, "80mm"])).content.decode()
    for value in HEADER.values():
        assert value in html
    assert "Comprobante de recarga" in html


def test_the_preview_shows_a_receipt_as_it_will_print(office, entity):
    office.post(PAGE, {**HEADER, "sponsor": "Patrocinio de Prueba", **NO_RESOLUTION})
    page = office.get(PAGE).content.decode()
    assert f'src="{PREVIEW}?formato=80mm"' in page
    for fmt, css in (("80mm", "receipt-80mm.css"), ("58mm", "receipt-58mm.css"), ("letter", "receipt-letter.css")):
        response = office.get(PREVIEW, {"formato": fmt})
        assert response.status_code == 200
        assert response["X-Frame-Options"] == "SAMEORIGIN"  # shown in the page's frame
        html = response.content.decode()
        assert css in html and "Patrocinio de Prueba" in html and "Cooperativa Solar del Ariari" in html
        assert "Comprobante de recarga" in html and 'id="copy-mark" hidden' in html  # an original
    assert office.get(PREVIEW, {"formato": "a4"}).status_code == 404


def test_a_biller_may_not_edit_the_header(client, biller, entity):
    client.force_login(biller)
    assert client.get(PAGE).status_code == 403
    assert client.get(PREVIEW).status_code == 403
    assert client.post(PAGE, {**HEADER, **NO_RESOLUTION}).status_code == 403
    entity.refresh_from_db()
    assert entity.name == "Cooperativa Solar del Meta"


def test_each_administrator_edits_only_their_own_entity(office, entity, other_entity):
    office.post(PAGE, {**HEADER, **NO_RESOLUTION})
    other_entity.refresh_from_db()
    assert other_entity.name == "Municipio Vecino"


def png(size=(40, 20)) -> SimpleUploadedFile:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), "image/png")


def test_a_logo_is_validated_as_the_operator_admin_does(office, entity):
    response = office.post(PAGE, {**HEADER, **NO_RESOLUTION, "logo": png()})
    assert response.status_code == 302
    entity.refresh_from_db()
    assert entity.logo.name.startswith("logos/")
    fake = SimpleUploadedFile("virus.png", b"MZ this is not an image", "image/png")
    response = office.post(PAGE, {**HEADER, **NO_RESOLUTION, "name": "Otro nombre", "logo": fake})
    assert response.status_code == 400
    assert list(response.context["header"].errors) == ["logo"]
    entity.refresh_from_db()
    assert entity.name == HEADER["name"]  # nothing changed
    response = office.post(PAGE, {**HEADER, **NO_RESOLUTION, "logo": png((4001, 10))})
    assert response.status_code == 400 and "4000" in response.context["header"].errors["logo"][0]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": "  "}, "name"), ({"nit": ""}, "nit"), ({"email": "no es correo"}, "email")],
)
def test_bad_header_data_is_refused_and_changes_nothing(office, entity, change, field):
    response = office.post(PAGE, {**HEADER, **NO_RESOLUTION, **change})
    assert response.status_code == 400
    assert list(response.context["header"].errors) == [field]
    entity.refresh_from_db()
    assert entity.name == "Cooperativa Solar del Meta"
    assert not AuditEvent.objects.exclude(action="login").exists()  # logging in is recorded too


def test_without_a_resolution_the_title_cannot_be_chosen(office, entity):
    response = office.post(PAGE, {**HEADER, **NO_RESOLUTION, "receipt_title": "Factura de venta"})
    assert response.status_code == 400
    assert "Comprobante de recarga" in response.context["header"].errors["receipt_title"][0]
    entity.refresh_from_db()
    assert entity.receipt_title == ""


def test_with_a_resolution_the_receipt_carries_its_text_and_the_chosen_title(office, entity, biller, meter, product):
    old = sell(biller, meter)
    response = office.post(PAGE, {**HEADER, **RESOLUTION, "receipt_title": "Factura de venta"})
    assert response.status_code == 302
    license = License.objects.get(entity=entity)
    assert (license.dian_resolution, license.dian_to) == ("18764003520321", 5000)
    assert AuditEvent.objects.filter(action="license_changed").exists()
    new = sell(biller, meter)
    text = (
        "Autorización de numeración DIAN No. 18764003520321 del 2026-01-15, sin prefijo, del 1 al 5000, "
        "vigente hasta 2028-01-15."
    )
    assert (new.title, new.resolution_text) == ("Factura de venta", text)
    office.force_login(biller)
    for fmt in ("letter", "80mm", "58mm"):
        html = office.get(reverse("billing:receipt", args=[new.pk, fmt])).content.decode()
        assert "Factura de venta" in html and text in html
        # A receipt issued before keeps what it printed then: no resolution, the default title.
        before = office.get(reverse("billing:receipt", args=[old.pk, fmt])).content.decode()
        assert "Comprobante de recarga" in before and "DIAN" not in before and "Factura de venta" not in before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"dian-dian_resolution_date": ""}, "dian_resolution_date"),
        ({"dian-dian_to": ""}, "dian_to"),
        ({"dian-dian_resolution": "18764-ABC"}, "dian_resolution"),
        ({"dian-dian_prefix": "SETP"}, "dian_prefix"),  # the license's receipts have no prefix
        ({"dian-dian_to": "500"}, "dian_from"),  # the license goes up to 1000
        ({"dian-dian_from": "6000"}, "dian_to"),
        ({"dian-dian_valid_until": "2025-12-31"}, "dian_valid_until"),
        ({"dian-dian_valid_until": (date.today() - timedelta(days=2)).isoformat()}, "dian_valid_until"),
    ],
)
def test_an_incomplete_or_inconsistent_resolution_is_refused(office, entity, change, field):
    response = office.post(PAGE, {**HEADER, **RESOLUTION, **change})
    assert response.status_code == 400
    assert field in response.context["resolution"].errors
    license = License.objects.get(entity=entity)
    assert license.dian_resolution == ""
    assert Entity.objects.get(pk=entity.pk).name == "Cooperativa Solar del Meta"


def test_removing_the_resolution_brings_back_the_default_title(office, entity, biller, meter, product):
    office.post(PAGE, {**HEADER, **RESOLUTION, "receipt_title": "Factura de venta"})
    response = office.post(PAGE, {**HEADER, **NO_RESOLUTION, "receipt_title": "Factura de venta"})
    assert response.status_code == 400  # the title goes with the resolution
    office.post(PAGE, {**HEADER, **NO_RESOLUTION})
    receipt = sell(biller, meter)
    assert (receipt.title, receipt.resolution_text, receipt.display_title) == ("", "", "Comprobante de recarga")
