"""What every page shares: the language it names, compressed HTML, a light first load."""

import gzip
import re
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from billing.services import recharge_issue

PAGE_BUDGET = 100 * 1024  # bytes over the wire on a first load, the page and what it loads
REQUEST_BUDGET = 8


@pytest.fixture
def receipt(biller, meter, product):
    return recharge_issue(biller=biller, meter=meter, amount=Decimal("1500"), idempotency_key=uuid.uuid4())


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize(("language", "lang"), [("es-co", "es-co"), ("en", "en")])
def test_every_page_names_the_language_it_is_written_in(client, admin, receipt, language, lang):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert html_lang(client.get(reverse("login"))) == lang
    client.force_login(admin)
    pages = [reverse("home"), reverse("billing:new"), reverse("billing:dashboard"), reverse("customers:list")]
    pages += [reverse("billing:receipt", args=[receipt.pk, fmt]) for fmt in ("letter", "80mm", "58mm")]
    pages += [reverse("billing:cashup") + f"?biller={receipt.biller_id}&formato=80mm"]
    for url in pages:
        assert html_lang(client.get(url)) == lang, url
    english = client.get(reverse("home")).content.decode()
    assert ("My sales today" in english) == (lang == "en")


def test_pages_are_sent_compressed(client, admin):
    client.force_login(admin)
    response = client.get(reverse("billing:index"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert b"<html" in gzip.decompress(response.content)
    data = client.get(reverse("billing:quote"), {"amount": "1500"}, HTTP_ACCEPT_ENCODING="gzip")
    assert data.status_code == 200  # short JSON answers stay as they are (under 200 bytes)


def test_pdfs_are_not_compressed_again(client, biller, receipt):
    client.force_login(biller)
    response = client.get(reverse("billing:receipt_pdf", args=[receipt.pk, "80mm"]), HTTP_ACCEPT_ENCODING="gzip")
    assert not response.has_header("Content-Encoding")
    assert response.content.startswith(b"%PDF")


def first_load(client, url) -> tuple[int, int]:
    """(bytes, requests) of a first load of `url` as production serves it: the page gzipped by
    Django, each static file it links gzipped by whitenoise, the favicon included."""
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, url
    html = gzip.decompress(response.content).decode()
    html = re.sub(r"<noscript>.*?</noscript>", "", html, flags=re.S)  # only without script
    assets = re.findall(r'<(?:link|script)\b[^>]*?(?:href|src)="/static/([^"]+)"', html)
    size = len(response.content)
    for asset in assets:
        path = finders.find(asset)
        assert path, asset
        with open(path, "rb") as f:
            size += len(gzip.compress(f.read()))
    return size, 1 + len(assets)


def test_every_page_is_light_on_a_first_load(client, admin, receipt, customer):
    client.force_login(admin)
    new = reverse("billing:new")
    pages = [
        reverse("home"),
        reverse("billing:index"),
        new,
        f"{new}?identification={customer.identification}&amount=1500",
        reverse("billing:done", args=[receipt.pk]),
        reverse("billing:cashup") + f"?biller={receipt.biller_id}",
        reverse("billing:report"),
        reverse("billing:dashboard"),
        reverse("customers:list"),
        reverse("customers:add"),
    ]
    heavy = {}
    for url in pages:
        size, requests = first_load(client, url)
        if size >= PAGE_BUDGET or requests > REQUEST_BUDGET:
            heavy[url] = (size, requests)
    assert heavy == {}
