"""Log in by e-mail, and the administrators' biller accounts."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import reverse

from aom.models import User
from tests import factories as f

STRONG = "recarga-Solar-2026"


def biller_data(**kw):
    data = {
        "email": "punto1@example.org",
        "full_name": "Punto de Recarga Uno",
        "identification": "1122334455",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(kw)
    return data


def test_login_by_email_ignores_case(client, biller):
    response = client.post(reverse("login"), {"username": "BRUNO@Example.ORG", "password": f.PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(biller.pk)


def test_a_wrong_password_does_not_log_in(client, biller):
    response = client.post(reverse("login"), {"username": biller.email, "password": "otra"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_administrator_creates_a_biller_of_their_entity(client, admin, entity):
    client.force_login(admin)
    response = client.post(reverse("licensing:biller_add"), biller_data(email=" Punto1@Example.org "))
    assert response.status_code == 302
    biller = User.objects.get(email="punto1@example.org")
    assert biller.entity == entity and biller.is_biller and biller.is_active
    assert biller.check_password(STRONG)
    assert not biller.is_staff and not biller.is_superuser


def test_the_new_biller_can_log_in(client, admin):
    client.force_login(admin)
    client.post(reverse("licensing:biller_add"), biller_data())
    client.logout()
    assert client.login(request=HttpRequest(), username="punto1@example.org", password=STRONG)


def test_password_validators_are_enforced(client, admin):
    client.force_login(admin)
    for weak in ("12345678", "corta", "password", "punto1@example.org"):
        response = client.post(reverse("licensing:biller_add"), biller_data(password1=weak, password2=weak))
        assert response.status_code == 200
        assert response.context["form"].has_error("password1"), weak
    assert not User.objects.filter(email="punto1@example.org").exists()


def test_the_two_passwords_must_match(client, admin):
    client.force_login(admin)
    response = client.post(reverse("licensing:biller_add"), biller_data(password2=STRONG + "x"))
    assert response.context["form"].has_error("password2")
    assert not User.objects.filter(email="punto1@example.org").exists()


def test_a_new_biller_needs_a_password(client, admin):
    client.force_login(admin)
    response = client.post(reverse("licensing:biller_add"), biller_data(password1="", password2=""))
    assert response.context["form"].has_error("password1")
    assert not User.objects.filter(email="punto1@example.org").exists()


def test_an_email_already_used_in_any_entity_is_refused(client, admin, other_admin):
    client.force_login(admin)
    response = client.post(reverse("licensing:biller_add"), biller_data(email="OTTO@example.org"))
    assert response.context["form"].has_error("email")
    assert get_user_model().objects.filter(email__iexact="otto@example.org").count() == 1


def test_editing_a_biller_keeps_the_password_when_left_blank(client, admin, biller):
    client.force_login(admin)
    data = biller_data(email=biller.email, full_name="Bruno Nuevo", password1="", password2="")
    response = client.post(reverse("licensing:biller_edit", args=[biller.pk]), data)
    assert response.status_code == 302
    biller.refresh_from_db()
    assert biller.full_name == "Bruno Nuevo"
    assert biller.check_password(f.PASSWORD)


def test_editing_a_biller_may_set_a_new_password(client, admin, biller):
    client.force_login(admin)
    client.post(reverse("licensing:biller_edit", args=[biller.pk]), biller_data(email=biller.email))
    biller.refresh_from_db()
    assert biller.check_password(STRONG)


def test_deactivation_asks_for_confirmation_first(client, admin, biller):
    client.force_login(admin)
    response = client.get(reverse("licensing:biller_deactivate", args=[biller.pk]))
    assert response.status_code == 200
    assert "¿Desactivar la cuenta de Bruno Facturador" in response.content.decode()
    biller.refresh_from_db()
    assert biller.is_active


def test_a_deactivated_biller_cannot_log_in(client, admin, biller):
    client.force_login(admin)
    response = client.post(reverse("licensing:biller_deactivate", args=[biller.pk]))
    assert response.status_code == 302
    biller.refresh_from_db()
    assert not biller.is_active
    client.logout()
    response = client.post(reverse("login"), {"username": biller.email, "password": f.PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_deactivated_biller_loses_the_open_session(client, admin, biller):
    biller_client = client.__class__()
    biller_client.force_login(biller)
    User.objects.filter(pk=biller.pk).update(is_active=False)
    response = biller_client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_reactivated_biller_can_log_in_again(client, admin, biller):
    User.objects.filter(pk=biller.pk).update(is_active=False)
    client.force_login(admin)
    client.post(reverse("licensing:biller_reactivate", args=[biller.pk]))
    client.logout()
    assert client.login(request=HttpRequest(), username=biller.email, password=f.PASSWORD)


def test_the_billers_page_lists_only_this_entitys_billers(client, admin, biller, other_entity):
    stranger = f.make_user(other_entity, "biller", full_name="Facturador Ajeno")
    client.force_login(admin)
    body = client.get(reverse("licensing:billers")).content.decode()
    assert biller.full_name in body
    assert stranger.full_name not in body
