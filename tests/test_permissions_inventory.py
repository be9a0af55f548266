"""Every page of the platform is guarded, and every one is in a permissions matrix.

The matrices themselves (test_permissions_core/billing/reports.py) check anonymous, biller,
administrator and another entity's administrator page by page; this file makes sure a new URL
cannot be added without being listed there, and that none opens for an anonymous visitor.
"""

from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

NAMESPACES = ("customers", "billing", "licensing", "tokens")
MATRICES = [
    "test_permissions_core.py",
    "test_permissions_billing.py",
    "test_permissions_reports.py",
    "test_permissions_lifecycle.py",
]


def platform_routes():
    routes = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in NAMESPACES:
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                routes.append((entry.namespace, pattern))
    return routes


def sample_url(namespace, pattern):
    converters = pattern.pattern.converters
    args = ["58mm" if type(conv).__name__ == "StringConverter" else 1 for conv in converters.values()]
    return reverse(f"{namespace}:{pattern.name}", args=args)


def test_the_platform_has_routes_to_check():
    names = {f"{ns}:{p.name}" for ns, p in platform_routes()}
    assert {"billing:issue", "customers:add", "licensing:billers", "billing:report"} <= names


@pytest.mark.parametrize(("namespace", "pattern"), platform_routes(), ids=lambda v: getattr(v, "name", v))
def test_every_route_is_listed_in_a_permissions_matrix(namespace, pattern):
    text = "".join((Path(__file__).parent / name).read_text() for name in MATRICES)
    assert f'"{namespace}:{pattern.name}"' in text


@pytest.mark.django_db
@pytest.mark.parametrize(("namespace", "pattern"), platform_routes(), ids=lambda v: getattr(v, "name", v))
def test_no_route_answers_an_anonymous_visitor(client, namespace, pattern):
    url = sample_url(namespace, pattern)
    for response in (client.get(url), client.post(url)):
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
        else:
            assert response.status_code == 405, (url, response.status_code)
