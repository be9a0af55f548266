"""A cashier sells a recharge in a real browser (Chromium from Debian, driven by Playwright)."""

import os
import re

import pytest

from billing.models import Receipt
from tests import factories as f
from tests.browser import chromium, log_in, needs_chromium, new_page

pytestmark = needs_chromium


@pytest.mark.django_db(transaction=True)
def test_a_biller_sells_a_recharge_and_sees_the_grouped_code(page, live_server):
    from playwright.sync_api import expect

    assert os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] == "true"
    entity = f.make_entity(name="Cooperativa Solar del Meta")
    f.make_license(entity)
    f.make_product(entity)  # 500 per kWh, 19 % IVA
    biller = f.make_user(entity, full_name="Bruno Facturador", email="bruno@example.org")
    customer = f.make_customer(entity, full_name="Usuario Prueba", identification="1234567890")
    meter = f.make_meter(customer)

    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", biller.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button[type=submit]")
    page.goto(live_server.url + "/facturacion/nuevo/")

    page.fill("#id_identification", "1234567890")
    # expect(), not wait_for_function(): the Content-Security-Policy forbids the eval it uses.
    expect(page.locator("#customer-name")).to_have_value("Usuario Prueba")
    assert page.locator("#id_meter option").all_inner_texts() == [meter.drn]

    page.fill("#id_amount", "1.549")
    preview = page.locator("#kwh-preview")
    expect(preview).to_contain_text("kWh")
    assert preview.inner_text() == "3,0 kWh · $ 1.500"

    page.press("#id_amount", "Enter")  # Enter in the amount continues to the confirmation
    assert page.locator("#confirm-kwh").inner_text() == "3,0 kWh"
    assert page.locator("#confirm-total").inner_text() == "$ 1.500"
    assert Receipt.objects.count() == 0

    page.click("#recargar")
    page.wait_for_selector("text=Recarga exitosa")
    code = page.locator("#code").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4} \d{4}", code)
    receipt = Receipt.objects.get()
    assert receipt.code_groups == code
    assert receipt.biller == biller and receipt.total == 1500


# -- the cashier's keyboard ----------------------------------------------------------------------
def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def cashier_at_new_receipt(browser, live_server, *, javascript=True, meters=1):
    entity = f.make_entity(name="Cooperativa Solar del Meta")
    f.make_license(entity)
    f.make_product(entity)  # 500 per kWh, 19 % IVA
    biller = f.make_user(entity, full_name="Bruno Facturador", email="bruno@example.org")
    customer = f.make_customer(entity, full_name="Usuario Prueba", identification="1234567890")
    made = [f.make_meter(customer) for _ in range(meters)]
    page = new_page(browser, javascript=javascript)
    log_in(page, live_server.url, biller)
    page.goto(live_server.url + "/facturacion/nuevo/")
    return page, made


@pytest.fixture
def browser():
    with chromium() as b:
        yield b


@pytest.mark.parametrize("javascript", [True, False], ids=["with-script", "without-script"])
@pytest.mark.django_db(transaction=True)
def test_a_cashier_sells_with_the_keyboard_alone(browser, live_server, javascript):
    page, _ = cashier_at_new_receipt(browser, live_server, javascript=javascript)
    assert focused_id(page) == "id_identification"
    page.keyboard.type("1234567890")
    page.keyboard.press("Enter")
    if not javascript:
        page.wait_for_url("**identification=1234567890**")
    # Typed at once, as a cashier does: the digits go to the amount, never to the identification.
    page.keyboard.type("1549")
    assert page.input_value("#id_identification") == "1234567890"
    assert focused_id(page) == "id_amount" and page.input_value("#id_amount") == "1549"
    page.keyboard.press("Enter")
    page.wait_for_selector("#recargar")
    assert focused_id(page) == "recargar"
    assert page.locator("#confirm-total").inner_text() == "$ 1.500"
    assert Receipt.objects.count() == 0
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Recarga exitosa")
    assert Receipt.objects.get().total == 1500


@pytest.mark.django_db(transaction=True)
def test_with_two_meters_the_cashier_must_choose_one(browser, live_server):
    page, (first, second) = cashier_at_new_receipt(browser, live_server, meters=2)
    page.keyboard.type("1234567890")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'id_meter'")
    assert page.input_value("#id_meter") == ""  # none chosen for the cashier
    # Going on without choosing: asked for the meter, nothing confirmed.
    page.keyboard.press("Tab")
    page.keyboard.type("1500")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Escoja el medidor a recargar.")
    assert focused_id(page) == "id_meter" and page.locator("#recargar").count() == 0
    # Choosing the second meter with the arrows, Enter, the amount is still there: Enter again.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#id_meter") == str(sorted([first, second], key=lambda m: m.drn)[1].pk)
    page.keyboard.press("Enter")
    assert focused_id(page) == "id_amount"
    page.keyboard.press("Enter")
    page.wait_for_selector("#recargar")
    chosen = sorted([first, second], key=lambda m: m.drn)[1]
    assert chosen.drn in page.locator("#confirmation").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Recarga exitosa")
    assert Receipt.objects.get().meter == chosen


@pytest.mark.django_db(transaction=True)
def test_recargar_pressed_again_after_going_back_says_the_receipt_was_already_issued(browser, live_server):
    page, _ = cashier_at_new_receipt(browser, live_server)
    page.goto(live_server.url + "/facturacion/nuevo/?identification=1234567890&amount=1500")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Recarga exitosa")
    code = page.locator("#code").inner_text()
    page.go_back()
    page.wait_for_selector("#recargar")
    page.locator("#recargar").press("Enter")
    page.wait_for_selector("#already-issued")
    assert "Recarga exitosa" not in page.content()
    assert page.locator("#code").inner_text() == code
    assert Receipt.objects.count() == 1
