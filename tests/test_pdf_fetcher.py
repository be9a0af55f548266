"""WeasyPrint reads only the entities' logos and the static files: any other URL or local file
named in a PDF's HTML is refused."""

import urllib.request

import pytest
from django.conf import settings
from PIL import Image

from billing.pdf import FetchRefused, html_document, local_path
from billing.receipts import render_receipt_pdf


def png(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (20, 20), "red").save(path)
    return path


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def no_network(monkeypatch):
    """Fails the test if anything opens a URL through urllib (WeasyPrint's default fetcher does)."""
    opened = []
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda self, url, *a, **kw: opened.append(url))
    return opened


def pdf_of(html: str) -> bytes:
    return html_document(html).write_pdf()


def test_an_entity_logo_in_media_root_is_drawn(media):
    logo = png(media / "logos" / "logo.png")
    assert local_path(logo.as_uri()) == logo.resolve()
    assert b"/Image" in pdf_of(f'<p>Recibo</p><img src="{logo.as_uri()}">')


def test_a_static_file_is_read(media):
    css = settings.BASE_DIR / "static" / "css" / "aom.css"
    assert local_path(css.as_uri()) == css.resolve()


def test_a_local_file_outside_the_logos_and_static_files_is_refused(media, tmp_path, no_network):
    outside = png(tmp_path / "elsewhere" / "secret.png")
    with pytest.raises(FetchRefused):
        local_path(outside.as_uri())
    # Through WeasyPrint: the PDF comes out, without the file (WeasyPrint's default would embed it).
    assert b"/Image" not in pdf_of(f'<p>Recibo</p><img src="{outside.as_uri()}">')
    assert b"/Image" not in render_receipt_pdf(f'<p>Recibo</p><img src="{outside.as_uri()}">', "80mm")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///etc/hostname",
        "FILE:///etc/passwd",
        "file://otherhost/srv/aom/media/logos/x.png",
    ],
)
def test_system_files_and_remote_file_hosts_are_refused(media, url):
    with pytest.raises(FetchRefused):
        local_path(url)


def test_a_path_that_climbs_out_of_media_root_is_refused(media, tmp_path):
    png(tmp_path / "secret.png")
    (media / "logos").mkdir(parents=True)
    with pytest.raises(FetchRefused):
        local_path((media / "logos").as_uri() + "/../../secret.png")


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/logo.png",
        "ftp://example.org/logo.png",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_an_outside_url_is_refused_without_a_connection(media, no_network, url):
    with pytest.raises(FetchRefused):
        local_path(url)
    pdf_of(f'<img src="{url}"><link rel="stylesheet" href="{url}"><p style="background: url({url})">x</p>')
    assert no_network == []
