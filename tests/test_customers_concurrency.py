"""Two administrators adding the last customer the license allows at the same moment, on
PostgreSQL: the license row lock lets exactly one of them in."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from customers.forms import CustomerForm
from customers.models import Customer
from tests import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (row locks under real concurrency); run with DATABASE_URL=postgres://…",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_simultaneous_adds_takes_the_last_place(monkeypatch):
    entity = f.make_entity()
    f.make_license(entity, max_customers=3)
    for _ in range(2):
        f.make_customer(entity)
    admins = [f.make_user(entity, "admin") for _ in range(2)]

    real_save = CustomerForm.save

    def slow_save(self, *args, **kwargs):
        time.sleep(0.5)  # hold the transaction open while the other request arrives
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(CustomerForm, "save", slow_save)
    start = threading.Barrier(2)
    statuses, errors = [], []

    def add(user, identification):
        try:
            client = Client()
            client.force_login(user)
            start.wait()
            data = {"id_type": "CC", "identification": identification, "full_name": f"Usuario {identification}"}
            data.update(
                {"meter-drn": "", "meter-installed_on": "", "meter-subsidy_kwh": "0", "meter-emergency_kwh": "0"}
            )
            response = client.post(reverse("customers:add"), data, follow=True)
            # Read the page, not response.context: template signals are shared between threads.
            body = response.content.decode()
            statuses.extend(m for m in ("Agregado correctamente", "se han completado 3 usuarios") if m in body)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(admins[i], f"77{i}")) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert Customer.objects.filter(entity=entity).count() == 3
    assert sorted(statuses) == ["Agregado correctamente", "se han completado 3 usuarios"]
