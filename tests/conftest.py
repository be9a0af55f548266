"""Named personas shared by every test: an entity with its administrator, a biller, a customer
with a meter and a product, and a second entity with its own administrator to prove isolation."""

import pytest

from aom.models import User
from tests import factories as f


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Hashing with the production hasher costs about a second per account; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def entity(db):
    e = f.make_entity(name="Cooperativa Solar del Meta")
    f.make_license(e)
    return e


@pytest.fixture
def other_entity(db):
    e = f.make_entity(name="Municipio Vecino")
    f.make_license(e)
    return e


@pytest.fixture
def admin(entity):
    return f.make_user(entity, User.Role.ADMIN, full_name="Ana Administradora", email="ana@example.org")


@pytest.fixture
def biller(entity):
    return f.make_user(entity, User.Role.BILLER, full_name="Bruno Facturador", email="bruno@example.org")


@pytest.fixture
def other_biller(entity):
    return f.make_user(entity, User.Role.BILLER, full_name="Berta Facturadora", email="berta@example.org")


@pytest.fixture
def other_admin(other_entity):
    return f.make_user(other_entity, User.Role.ADMIN, full_name="Otto Otro", email="otto@example.org")


@pytest.fixture
def operator(db):
    return User.objects.create_superuser(email="operador@example.org", password=f.PASSWORD, full_name="Operador")


@pytest.fixture
def customer(entity):
    return f.make_customer(entity, full_name="Usuario Prueba", identification="1234567890")


@pytest.fixture
def meter(customer):
    return f.make_meter(customer)


@pytest.fixture
def product(entity):
    return f.make_product(entity)


@pytest.fixture
def other_customer(other_entity):
    return f.make_customer(other_entity, full_name="Cliente Ajeno", identification="5555555555")


@pytest.fixture
def other_meter(other_customer):
    return f.make_meter(other_customer)


@pytest.fixture
def page():
    """A plain Chromium page as a cashier gets it (the pages' Content-Security-Policy applies).
    Test modules that use it are marked `tests.browser.needs_chromium`."""
    from tests.browser import chromium

    with chromium() as browser:
        page = browser.new_page(locale="es-CO")
        page.set_default_timeout(15000)
        yield page
