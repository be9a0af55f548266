"""A Content-Security-Policy on every page, and no inline script for it to allow."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from billing.services import recharge_issue

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)", re.I)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (x.strip() for x in header.split(";")) if d}


@pytest.mark.parametrize("path", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")))
def test_no_template_holds_an_inline_script_or_event_handler(path):
    text = (TEMPLATES / path).read_text()
    assert not INLINE_SCRIPT.search(text), "move the script into static/js/"
    assert not INLINE_HANDLER.search(text), "bind the handler from a static script"
    assert not JS_URL.search(text)


@pytest.fixture
def receipt(admin, meter, product):
    import uuid
    from decimal import Decimal

    return recharge_issue(biller=admin, meter=meter, amount=Decimal("5000"), idempotency_key=uuid.uuid4())


def test_every_kind_of_page_carries_a_policy_that_forbids_inline_script(client, admin, receipt):
    client.force_login(admin)
    pages = [
        reverse("login"),
        reverse("billing:index"),
        reverse("billing:new"),
        reverse("billing:receipt", args=[receipt.pk, "80mm"]),
        reverse("billing:report"),
        reverse("customers:list"),
        reverse("billing:quote") + "?amount=5000",
        "/no-such-page/",
    ]
    for url in pages:
        response = client.get(url)
        d = directives(response)
        assert d["script-src"] == ["'self'"], url
        assert d["default-src"] == ["'self'"], url
        assert d["object-src"] == ["'none'"] and d["frame-ancestors"] == ["'none'"], url


def test_the_admin_pages_carry_the_policy_too(client, operator):
    client.force_login(operator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "'unsafe-inline'" not in directives(response)["script-src"]


def test_the_nginx_example_sends_hsts():
    conf = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf").read_text()
    assert re.search(r'add_header\s+Strict-Transport-Security\s+"max-age=\d{8,}', conf)
