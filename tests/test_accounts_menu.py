"""The left-hand menu shows only what the role may use."""

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import include, path, reverse

from aom.urls import urlpatterns as project_urls


def placeholder(request):
    return HttpResponse("ok")


BILLING_NAMES = ["index", "new", "product", "report", "cashup", "subsidy", "dashboard"]
billing = (
    [path(f"{name}/", placeholder, name=name) for name in BILLING_NAMES],
    "billing",
)

# This module doubles as a URLconf where every page of the other branches exists.
urlpatterns = [p for p in project_urls if getattr(p, "namespace", None) != "billing"] + [
    path("test-billing/", include(billing)),
]


def menu_of(client, user):
    client.force_login(user)
    body = client.get(reverse("customers:list") if user.is_admin else reverse("home"), follow=True)
    html = body.content.decode()
    return html.split('<ul class="nav nav-pills')[1].split("</ul>")[0]


def test_an_administrator_sees_the_customers_and_billers_entries(client, admin):
    menu = menu_of(client, admin)
    for name in ("customers:add", "customers:edit", "customers:list", "licensing:billers"):
        assert f'href="{reverse(name)}"' in menu


def test_a_biller_sees_none_of_the_administrators_entries(client, biller):
    menu = menu_of(client, biller)
    for name in ("customers:add", "customers:edit", "customers:list", "licensing:billers"):
        assert reverse(name) not in menu
    assert "Inicio" in menu


@pytest.fixture
def with_billing(settings):
    settings.ROOT_URLCONF = __name__


def test_with_the_billing_pages_the_menu_links_them_by_role(client, admin, biller, with_billing):
    client.force_login(admin)
    admin_menu = client.get(reverse("customers:list")).content.decode()
    for name in BILLING_NAMES:
        assert f'href="{reverse("billing:" + name)}"' in admin_menu
    request = RequestFactory().get("/")
    request.user = biller
    request.resolver_match = None
    biller_menu = render_to_string("menu.html", {"user": biller, "request": request})
    for name in ("index", "new", "cashup", "report"):
        assert f'href="{reverse("billing:" + name)}"' in biller_menu
    for name in ("product", "subsidy", "dashboard"):
        assert reverse("billing:" + name) not in biller_menu
