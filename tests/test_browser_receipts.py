"""The receipts in a real browser (Debian's Chromium through Playwright): every field of the
longest receipt inside the printable width of its roll when printed, and COPIA decided by the
server at each print."""

import pytest

from billing.models import ReceiptPrint
from tests import factories as f
from tests.browser import needs_chromium
from tests.receipt_samples import long_receipt

PRINTABLE_MM = {"58mm": 48, "80mm": 72, "letter": 185.9}

pytestmark = needs_chromium

# Every text line and every element of the paper, measured against the body, whose width is the
# printable width of the roll: what sticks out is lost at the print head.
MEASURE = """() => {
  const body = document.body.getBoundingClientRect();
  const paper = document.getElementById("paper");
  const out = [];
  const walker = document.createTreeWalker(paper, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.right > body.right + 0.5 || r.left < body.left - 0.5) out.push(node.textContent.trim().slice(0, 40));
    }
  }
  for (const el of paper.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > body.right + 0.5 || r.left < body.left - 0.5)) out.push("<" + el.tagName + ">");
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== "inline") out.push("scrolls: <" + el.tagName + ">");
  }
  return {width_mm: body.width * 25.4 / 96, overflows: out, text: paper.innerText};
}"""


def login(page, live_server, user):
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.mark.django_db(transaction=True)
def test_every_field_of_the_longest_receipt_fits_each_paper_when_printed(page, live_server):
    receipt = long_receipt()
    login(page, live_server, receipt.biller)
    page.emulate_media(media="print")
    for fmt, printable in PRINTABLE_MM.items():
        page.goto(f"{live_server.url}/facturacion/comprobante/{receipt.pk}/{fmt}/")
        measured = page.evaluate(MEASURE)
        assert abs(measured["width_mm"] - printable) < 0.2, (fmt, measured["width_mm"])
        assert measured["overflows"] == [], fmt
        squeezed = "".join(measured["text"].split())
        for value in ("SETP9999999", "$99.999.999", "".join(receipt.customer_name.split()), "Pagoalcontado"):
            assert value in squeezed, (fmt, value)
    assert not ReceiptPrint.objects.exists()  # looking (even in print media) is not a paper


@pytest.mark.django_db(transaction=True)
def test_each_browser_print_is_recorded_and_only_the_first_paper_is_the_original(page, live_server):
    entity = f.make_entity()
    f.make_license(entity)
    f.make_product(entity)
    biller = f.make_user(entity)
    meter = f.make_meter(f.make_customer(entity))
    from tests.report_receipts import bogota, make_receipt

    receipt = make_receipt(biller, meter, bogota(2026, 12, 1, 9, 0))
    login(page, live_server, biller)
    base = f"{live_server.url}/facturacion/comprobante/{receipt.pk}"
    mark = page.locator("#copy-mark")

    page.goto(f"{base}/letter/")  # the cashier looks at the letter receipt first
    assert not mark.is_visible()
    page.goto(f"{base}/80mm/")  # then prints the 80 mm roll for the customer
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert not mark.is_visible()  # the customer's paper: the original
    # and the roll is printed on a page as tall as the receipt, not a 297 mm sheet
    size = page.evaluate(
        "() => { const s = Array.from(document.styleSheets).find(s => s.href && s.href.includes('receipt-80mm'));"
        " const r = s.cssRules[s.cssRules.length - 1]; return [r.type, r.style.getPropertyValue('size')]; }"
    )
    assert size[0] == 6 and size[1].startswith("80mm ")  # CSSRule.PAGE_RULE
    assert 60 < float(size[1].split()[1].removesuffix("mm")) < 250
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # Ctrl+P again
    assert mark.is_visible()
    page.goto(f"{base}/58mm/")  # any later paper, any format, says COPIA on screen and on paper
    assert mark.is_visible()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert mark.is_visible()
    prints = list(ReceiptPrint.objects.filter(receipt=receipt).values_list("format", "is_copy", "as_pdf"))
    assert prints == [("80mm", False, False), ("80mm", True, False), ("58mm", True, False)]
