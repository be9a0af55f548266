"""The customers list: search, pagination, a bounded number of queries, one entity only."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.views import PAGE_SIZE
from tests import factories as f


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_customers(client, admin, entity):
    client.force_login(admin)
    for _ in range(3):
        f.make_meter(f.make_customer(entity))
    few = count_queries(client, reverse("customers:list"))
    for _ in range(PAGE_SIZE):
        customer = f.make_customer(entity)
        f.make_meter(customer)
        f.make_meter(customer)
    many = count_queries(client, reverse("customers:list"))
    assert many == few
    assert many <= 8


def test_the_list_shows_only_this_entitys_customers(client, admin, customer, other_customer):
    client.force_login(admin)
    body = client.get(reverse("customers:list")).content.decode()
    assert customer.full_name in body
    assert other_customer.full_name not in body


def test_the_search_box_finds_by_name_identification_and_drn(client, admin, entity, customer, meter):
    f.make_customer(entity, full_name="Pedro Páramo", identification="777")
    client.force_login(admin)
    url = reverse("customers:list")
    by_name = client.get(url, {"q": "páramo"}).context["page"].object_list
    by_id = client.get(url, {"q": "777"}).context["page"].object_list
    by_drn = client.get(url, {"q": meter.drn}).context["page"].object_list
    assert [c.full_name for c in by_name] == ["Pedro Páramo"]
    assert [c.identification for c in by_id] == ["777"]
    assert list(by_drn) == [customer]


def test_the_list_is_paginated(client, admin, entity):
    for n in range(PAGE_SIZE + 2):
        f.make_customer(entity, full_name=f"Usuario {n:03d}")
    client.force_login(admin)
    first = client.get(reverse("customers:list"))
    second = client.get(reverse("customers:list"), {"page": 2})
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert len(second.context["page"].object_list) == 2
    assert "Página 1 de 2" in first.content.decode()
