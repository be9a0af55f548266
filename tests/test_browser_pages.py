"""Every page in Chromium: no accessibility violation (axe-core), no sideways scroll on a 360 px
phone nor at 1366×768, a menu that folds on the phone, a visible keyboard focus."""

import json

import pytest
from django.urls import reverse

from tests import factories as f
from tests.browser import (
    admin_pages,
    axe_violations,
    biller_pages,
    chromium,
    demo,
    log_in,
    needs_chromium,
    new_page,
    receipt_pages,
)
from tests.report_receipts import make_receipt

pytestmark = [*needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser():
    with chromium() as b:
        yield b


def test_axe_finds_no_violation_on_any_page(browser, live_server):
    d = demo()
    found = {}
    page = new_page(browser)
    page.goto(live_server.url + reverse("login"))
    found["login"] = axe_violations(page)
    log_in(page, live_server.url, d["admin"])
    for path in admin_pages(d):
        page.goto(live_server.url + path)
        found[path] = axe_violations(page)
    for path in receipt_pages(d):
        page.goto(live_server.url + path)
        found[path] = axe_violations(page, best_practices=False)
    page = new_page(browser, width=360, height=740)
    log_in(page, live_server.url, d["biller"])
    for path in biller_pages(d):
        page.goto(live_server.url + path)
        found["phone " + path] = axe_violations(page)
    page.click(".aom-menu-toggle")  # the unfolded phone menu too
    found["phone menu"] = axe_violations(page)
    bad = {where: v for where, v in found.items() if v}
    assert bad == {}, json.dumps(bad, indent=1)


def sideways(page, base_url, paths, width) -> dict:
    wide = {}
    for path in paths:
        page.goto(base_url + path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wide[path] = scroll_width
    return wide


def test_no_page_scrolls_sideways_on_a_360_px_phone(browser, live_server):
    d = demo()
    # Long values: the widest rows a page may have to hold.
    long_name = "María Fernanda de los Ángeles Rodríguez Castañeda Villavicencio"[:60]
    customer = f.make_customer(d["entity"], full_name=long_name, identification="10987654321")
    make_receipt(d["biller"], f.make_meter(customer), d["receipt"].issued_at, total="99999999", kwh="199999.9")
    page = new_page(browser, width=360, height=740)
    log_in(page, live_server.url, d["admin"])
    assert sideways(page, live_server.url, admin_pages(d), 360) == {}


def test_no_page_scrolls_sideways_at_1366_by_768(browser, live_server):
    d = demo()
    page = new_page(browser, width=1366, height=768)
    log_in(page, live_server.url, d["admin"])
    assert sideways(page, live_server.url, admin_pages(d), 1366) == {}


def test_on_a_phone_the_menu_folds_under_its_button(browser, live_server):
    d = demo()
    page = new_page(browser, width=360, height=740)
    log_in(page, live_server.url, d["biller"])
    page.goto(live_server.url + reverse("billing:new"))
    menu, button = page.locator("#aom-menu"), page.locator(".aom-menu-toggle")
    assert not menu.is_visible()
    assert page.locator("#id_identification").bounding_box()["y"] < 200  # the form is on the first screen
    button.click()
    assert menu.is_visible() and button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not menu.is_visible() and button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('aom-menu-toggle')")
    page.set_viewport_size({"width": 1366, "height": 768})  # the left column from 768 px
    assert menu.is_visible() and not button.is_visible()


def test_without_javascript_the_phone_menu_is_shown_whole(browser, live_server):
    d = demo()
    page = new_page(browser, width=360, height=740, javascript=False)
    log_in(page, live_server.url, d["biller"])
    assert page.locator("#aom-menu").is_visible()
    assert not page.locator(".aom-menu-toggle").is_visible()


def test_amounts_are_never_broken_across_lines_on_a_phone(browser, live_server):
    d = demo()
    make_receipt(d["biller"], d["meter"], d["receipt"].issued_at, total="99999999", kwh="199999.9")
    page = new_page(browser, width=360, height=740)
    log_in(page, live_server.url, d["biller"])
    page.goto(live_server.url + reverse("billing:cashup"))
    lines = page.evaluate(
        """() => [...document.querySelectorAll("td.text-end, [data-total]")].map(el => {
             const range = document.createRange(); range.selectNodeContents(el);
             const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
             return [el.textContent.trim(), tops.size];
           })"""
    )
    assert any(text == "$ 99.999.999" or text == "$ 100.001.499" for text, _ in lines)
    assert [text for text, n in lines if n > 1] == []


# The focused element's ring: its width, style and contrast against what surrounds it.
FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = c => {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let bg = [255, 255, 255];
  for (let n = el.parentElement; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length < 4 || c[3] > 0) { bg = c; break; }
  }
  const cs = getComputedStyle(el);
  const [a, b] = [lum(rgb(cs.outlineColor)), lum(bg)];
  return {
    what: el.tagName + " " + (el.id || el.name || el.textContent.trim().slice(0, 25)),
    width: parseFloat(cs.outlineWidth), style: cs.outlineStyle,
    contrast: Math.round(100 * (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) / 100,
  };
}"""


def test_the_keyboard_focus_is_visible_with_3_to_1_contrast_everywhere(browser, live_server):
    d = demo()
    page = new_page(browser)
    log_in(page, live_server.url, d["admin"])
    new = reverse("billing:new")
    confirm = f"{new}?identification={d['customer'].identification}&meter={d['meter'].pk}&amount=1500&step=confirm"
    weak, seen = [], set()
    for path in (reverse("home"), new, confirm, reverse("billing:index")):
        page.goto(live_server.url + path)
        for _ in range(45):  # the skip link, the dark menu, then the page
            page.keyboard.press("Tab")
            ring = page.evaluate(FOCUS_RING)
            if ring is None:
                continue
            seen.add(ring["what"])
            if ring["style"] == "none" or ring["width"] < 2 or ring["contrast"] < 3:
                weak.append((path, ring))
    assert "BUTTON recargar" in seen and any(w.startswith("A ") and "Facturadores" in w for w in seen)
    assert weak == []
