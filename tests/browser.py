"""What the browser tests share: Debian's Chromium driven by Playwright, logging in, axe-core,
and the list of the pages every check walks through."""

import os
import uuid
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from aom.models import User
from billing.services import recharge_issue
from tests import factories as f

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
# Installed by `scripts/setup --test` from package.json (npm), never fetched from a CDN.
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"

needs_chromium = [
    pytest.mark.browser,
    # `make test` installs Chromium; only a bare `pytest` on a machine without it skips, never CI.
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"), reason="needs Debian's chromium (make test)"
    ),
]


@contextmanager
def chromium():
    """A headless Chromium; Playwright's event loop runs in this thread, the ORM stays usable."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def new_page(browser, *, width=1366, height=768, javascript=True):
    # bypass_csp: axe-core is injected as an inline script, which the pages' CSP refuses.
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="es-CO",
        java_script_enabled=javascript,
        bypass_csp=True,
        # No transitions: axe measures the colours a control ends with, not halfway.
        reduced_motion="reduce",
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def log_in(page, base_url: str, user) -> None:
    page.goto(base_url + reverse("login"))
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page, *, best_practices: bool = True) -> list[dict]:
    """axe-core's violations on the page as it is now: rule, impact and the first elements.

    Every rule for the application's pages; the WCAG 2.2 A/AA rules only for a printed paper
    (a receipt has no landmarks or menu to skip, which axe's best practices ask of a page).
    """
    assert AXE.exists(), "axe-core is missing: run scripts/setup --test (npm ci)"
    page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"]}
    if not best_practices:
        options["runOnly"] = {"type": "tag", "values": WCAG_AA}
    return page.evaluate(
        """async (options) => (await axe.run(document, options)).violations.map(
             v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))""",
        options,
    )


def demo(entity=None) -> dict:
    """An entity with an administrator, a biller, a customer with two meters and one receipt."""
    entity = entity or f.make_entity(name="Cooperativa Solar del Meta")
    f.make_license(entity)
    f.make_product(entity)
    admin = f.make_user(entity, User.Role.ADMIN, full_name="Ana Administradora", email="ana@example.org")
    biller = f.make_user(entity, User.Role.BILLER, full_name="Bruno Facturador", email="bruno@example.org")
    customer = f.make_customer(entity, full_name="Usuario Prueba", identification="1234567890")
    meter = f.make_meter(customer)
    f.make_meter(customer)
    receipt = recharge_issue(biller=biller, meter=meter, amount=Decimal("1500"), idempotency_key=uuid.uuid4())
    return {
        "entity": entity,
        "admin": admin,
        "biller": biller,
        "customer": customer,
        "meter": meter,
        "receipt": receipt,
    }


def admin_pages(d: dict) -> list[str]:
    """Every page an administrator opens (GET), with real objects."""
    receipt, customer = d["receipt"], d["customer"]
    new = reverse("billing:new")
    return [
        reverse("home"),
        reverse("billing:index"),
        new,
        f"{new}?identification={customer.identification}",
        f"{new}?identification={customer.identification}&meter={d['meter'].pk}&amount=1500&step=confirm",
        reverse("billing:done", args=[receipt.pk]),
        reverse("billing:product"),
        reverse("billing:report"),
        reverse("billing:cashup"),
        f"{reverse('billing:cashup')}?biller={d['biller'].pk}",
        reverse("billing:subsidy"),
        reverse("billing:dashboard"),
        reverse("customers:list"),
        reverse("customers:add"),
        reverse("customers:edit"),
        f"{reverse('customers:edit')}?identificacion={customer.identification}",
        reverse("customers:detail", args=[customer.pk]),
        reverse("customers:meter_add", args=[customer.pk]),
        reverse("customers:meter_edit", args=[d["meter"].pk]),
        reverse("customers:import"),
        reverse("licensing:billers"),
        reverse("licensing:biller_add"),
        reverse("licensing:biller_edit", args=[d["biller"].pk]),
        reverse("licensing:audit"),
        reverse("password_change"),
    ]


def biller_pages(d: dict) -> list[str]:
    return [reverse("home"), reverse("billing:new"), reverse("billing:index"), reverse("billing:cashup")]


def receipt_pages(d: dict) -> list[str]:
    return [reverse("billing:receipt", args=[d["receipt"].pk, fmt]) for fmt in ("letter", "80mm", "58mm")]
