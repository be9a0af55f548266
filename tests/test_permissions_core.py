"""Who may open the pages of licensing and customers.

anonymous → login; biller → 403; administrator → 200; administrator of another entity → 404 on
object URLs; the operator (superuser without entity) → 403 on entity pages (the operator works
in the Django admin, where the home page sends them).
"""

import pytest
from django.urls import reverse

from tests import factories as f


@pytest.fixture
def objects(entity, customer, meter, biller):
    return {"customer": customer, "meter": meter, "biller": biller}


PAGES = [
    ("customers:list", None),
    ("customers:add", None),
    ("customers:edit", None),
    ("licensing:billers", None),
    ("licensing:biller_add", None),
    ("licensing:audit", None),
    ("licensing:audit_xlsx", None),
    ("licensing:receipt_header", None),
    ("licensing:receipt_header_preview", None),
]
OBJECT_PAGES = [
    ("customers:detail", "customer"),
    ("customers:meter_add", "customer"),
    ("customers:meter_edit", "meter"),
    ("licensing:biller_edit", "biller"),
    ("licensing:biller_deactivate", "biller"),
]
POST_ONLY = [("licensing:biller_reactivate", "biller"), ("licensing:biller_unlock", "biller")]


def url_for(name, obj_key, objects):
    return reverse(name, args=[objects[obj_key].pk]) if obj_key else reverse(name)


@pytest.mark.parametrize(("name", "obj_key"), PAGES + OBJECT_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, objects, name, obj_key):
    url = url_for(name, obj_key, objects)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "obj_key"), PAGES + OBJECT_PAGES + POST_ONLY)
def test_billers_are_refused(client, objects, other_biller, name, obj_key):
    client.force_login(other_biller)
    url = url_for(name, obj_key, objects)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


@pytest.mark.parametrize(("name", "obj_key"), PAGES + OBJECT_PAGES)
def test_administrators_open_every_page(client, objects, admin, name, obj_key):
    client.force_login(admin)
    response = client.get(url_for(name, obj_key, objects))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "obj_key"), OBJECT_PAGES + POST_ONLY)
def test_another_entitys_administrator_gets_404_on_objects(client, objects, other_admin, name, obj_key):
    client.force_login(other_admin)
    url = url_for(name, obj_key, objects)
    assert client.get(url).status_code in (404, 405)  # reactivate is POST-only
    assert client.post(url).status_code == 404


@pytest.mark.parametrize(("name", "obj_key"), PAGES + OBJECT_PAGES)
def test_the_operator_is_refused_entity_pages(client, objects, operator, name, obj_key):
    client.force_login(operator)
    assert client.get(url_for(name, obj_key, objects)).status_code == 403


def test_the_operator_lands_on_the_django_admin(client, operator):
    client.force_login(operator)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_an_administrator_cannot_edit_another_administrator_as_a_biller(client, admin, entity):
    second_admin = f.make_user(entity, "admin")
    client.force_login(admin)
    assert client.get(reverse("licensing:biller_edit", args=[second_admin.pk])).status_code == 404
    assert client.post(reverse("licensing:biller_deactivate", args=[second_admin.pk])).status_code == 404
    second_admin.refresh_from_db()
    assert second_admin.is_active


def test_reactivate_refuses_get(client, admin, biller):
    client.force_login(admin)
    assert client.get(reverse("licensing:biller_reactivate", args=[biller.pk])).status_code == 405
