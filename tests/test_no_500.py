"""No input gives a 500: every page's GET parameters and every form's fields, typed badly.

The walk opens each page, reads the forms it shows (their fields and current values), and sends
each field again with hostile values — non-ASCII digits, huge numbers, far dates, empty and
repeated values, control characters — one field at a time and all fields at once, plus the
parameters the views read without a form (`page`, `q`, `vista`, `formato`…). Each answer must be a
page with a message (200, or a redirect after a POST that did its work) or a 400; never a 500.
"""

import uuid
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from billing.services import recharge_issue

HOSTILE = [
    "١٢٣٤٥٦",  # Arabic-Indic digits
    "１２３",  # full-width digits
    "²",
    "99999999999999999999999",
    "-1",
    "9999-12-31",
    "9999-12",
    "2026-02-30",
    "1e400",
    "",
    "\x00",
    "x" * 500,
]
REPEATED = [["1", "2"], ["", "9999-12-31"]]
# Read by views straight from the query string (pagination, search, output switches).
LOOSE_PARAMETERS = ["page", "q", "vista", "formato", "exito", "step"]
ALLOWED_GET = {200, 302, 400}  # 302: the home page sends each role to its first tab
ALLOWED_POST = {200, 302, 400, 404}  # 404: a well-formed id that is not one of yours
SKIPPED_ACTIONS = ("/logout/", "/i18n/")


class Forms(HTMLParser):
    """The forms of a page: method, action and the (name, value) of each field, as a browser
    would send them (the first option of a select, a checked box only)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(), "action": a.get("action"), "fields": []})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self.forms[-1]["fields"].append((a["name"], None))
                return
            self.forms[-1]["fields"].append((a["name"], a.get("value") or ""))
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"].append((a["name"], ""))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None]
            self.forms[-1]["fields"].append(self._select)
        elif tag == "option" and self._select is not None and (self._select[1] is None or "selected" in a):
            self._select[1] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        form["fields"] = [(n, v) for n, v in (tuple(f) for f in form["fields"]) if v is not None]
    return parser.forms


def base_data(fields) -> dict:
    return dict(fields)


LOOSE_VALUES = ["²", "١٢", "99999999999999999999999", ["1", "2"]]


def variants(names, base, loose=(), together=True):
    """The base data with one field hostile, then (`together`) with every field hostile at once,
    as a far start and end date are; the loose parameters with fewer values (they are read as a
    number or a word, never as a date)."""
    for value in HOSTILE + REPEATED:
        for name in names:
            yield {**base, name: value}
        if together and len(names) > 1:
            yield {**base, **dict.fromkeys(names, value)}
    for value in LOOSE_VALUES:
        for name in loose:
            yield {**base, name: value}


@pytest.fixture
def world(entity, admin, biller, customer, meter, product):
    receipt = recharge_issue(biller=biller, meter=meter, amount=Decimal("5000"), idempotency_key=uuid.uuid4())
    return {"customer": customer, "meter": meter, "biller": biller, "receipt": receipt}


ADMIN_PAGES = [
    ("home", None),
    ("billing:index", None),
    ("billing:product", None),
    ("billing:new", None),
    ("billing:lookup", None),
    ("billing:quote", None),
    ("billing:done", "receipt"),
    ("billing:report", None),
    ("billing:report_pdf", None),
    ("billing:report_xlsx", None),
    ("billing:cashup", None),
    ("billing:subsidy", None),
    ("billing:subsidy_pdf", None),
    ("billing:subsidy_xlsx", None),
    ("billing:dashboard", None),
    ("customers:list", None),
    ("customers:add", None),
    ("customers:edit", None),
    ("customers:detail", "customer"),
    ("customers:meter_add", "customer"),
    ("customers:meter_edit", "meter"),
    ("customers:import", None),
    ("licensing:billers", None),
    ("licensing:biller_add", None),
    ("licensing:biller_edit", "biller"),
    ("licensing:biller_deactivate", "biller"),
    ("licensing:audit", None),
    ("licensing:audit_xlsx", None),
    ("password_change", None),
]
BILLER_PAGES = [
    ("password_change", None),
    ("billing:index", None),
    ("billing:new", None),
    ("billing:report", None),
    ("billing:cashup", None),
]
# Filled in so that the page shows its next step (the recharge confirmation with its hidden fields).
START_PARAMS = {
    "billing:new": lambda w: {"identification": w["customer"].identification, "amount": "5000", "step": "confirm"},
    "billing:lookup": lambda w: {"identification": w["customer"].identification},
    "billing:quote": lambda w: {"amount": "5000"},
    "customers:edit": lambda w: {"identificacion": w["customer"].identification},
}
# The PDFs are checked through the HTML that feeds them (WeasyPrint takes a second per page).
PDF_PAGES = {"billing:report_pdf", "billing:subsidy_pdf"}


def url_of(name, obj, world):
    return reverse(name, args=[world[obj].pk]) if obj else reverse(name)


def walk_get(client, url, start, loose=True):
    first = client.get(url, start)
    assert first.status_code in ALLOWED_GET, (url, start, first.status_code)
    html = first.content.decode(errors="replace") if "html" in first.get("Content-Type", "") else ""
    forms = forms_of(html)
    names = {n for form in forms if form["method"] == "get" for n, _ in form["fields"]} | set(start)
    loose = set(LOOSE_PARAMETERS) - names if loose else set()
    base = {**base_data(f for form in forms if form["method"] == "get" for f in form["fields"]), **start}
    for data in variants(sorted(names), base, sorted(loose)):
        response = client.get(url, data)
        assert response.status_code in ALLOWED_GET, (url, {k: str(v)[:40] for k, v in data.items()})
    return forms


def walk_post(client, page_url, forms):
    for form in forms:
        action = form["action"] or page_url
        if form["method"] != "post" or action.startswith(SKIPPED_ACTIONS):
            continue
        names = [n for n, _ in form["fields"] if n != "csrfmiddlewaretoken"]
        base = base_data(form["fields"])
        for data in variants(names, base, together=False):
            response = client.post(action, data)
            assert response.status_code in ALLOWED_POST, (action, {k: str(v)[:40] for k, v in data.items()})


def walk(client, name, obj, world):
    url = url_of(name, obj, world)
    start = START_PARAMS.get(name, lambda w: {})(world)
    if name in PDF_PAGES:
        start = {**start, "vista": "html"}
    forms = walk_get(client, url, start)
    walk_post(client, url, forms)


@pytest.mark.parametrize(("name", "obj"), ADMIN_PAGES)
def test_an_administrator_gets_no_500_from_any_parameter_or_field(world, admin, name, obj):
    client = Client(raise_request_exception=True)
    client.force_login(admin)
    walk(client, name, obj, world)


@pytest.mark.parametrize(("name", "obj"), BILLER_PAGES)
def test_a_biller_gets_no_500_from_any_parameter_or_field(world, biller, name, obj):
    client = Client(raise_request_exception=True)
    client.force_login(biller)
    walk(client, name, obj, world)


def test_the_pdfs_themselves_answer_far_dates_with_400(world, admin):
    client = Client()
    client.force_login(admin)
    far = {"filter_by": "all", "start": "9999-12-25", "end": "9999-12-31"}
    assert client.get(reverse("billing:report_pdf"), far).status_code == 400
    assert client.get(reverse("billing:subsidy_pdf"), {"month": "9999-12"}).status_code == 400


@pytest.mark.parametrize("name", ["billing:index", "billing:new", "billing:lookup", "customers:list"])
def test_a_nul_character_in_the_query_string_is_a_400(world, admin, name):
    # PostgreSQL cannot compare a string holding NUL: without the guard, a search answers 500 there.
    client = Client()
    client.force_login(admin)
    response = client.get(reverse(name), {"q": "a\x00", "identification": "12\x00"})
    assert response.status_code == 400
    assert "carácter no válido" in response.content.decode()


def test_the_issue_reports_cases_answer_with_a_message(world, admin):
    """The cases of the issue, each by name."""
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("billing:index"), {"q": "²"}).status_code == 200
    assert client.get(reverse("billing:index"), {"page": "99999999999999999999999"}).status_code == 200
    assert client.get(reverse("customers:list"), {"page": "99999999999999999999999"}).status_code == 200
    response = client.get(reverse("billing:report"), {"filter_by": "all", "start": "9999-12-25", "end": "9999-12-31"})
    assert response.status_code == 400 and "fecha" in response.content.decode().lower()
    response = client.get(reverse("billing:subsidy"), {"month": "9999-12"})
    assert response.status_code == 400 and "mes" in response.content.decode().lower()
