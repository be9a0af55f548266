"""Every account changes its own password from the menu; a password given by an administrator
(or the operator) is temporary and must be changed at the next login."""

import pytest
from django.urls import reverse

from aom.models import AuditEvent, User
from tests import factories as f

CHANGE = reverse("password_change")
NEW = "girasol-Llanero-2027"


def change(client, old=f.PASSWORD, new=NEW, again=None):
    data = {"old_password": old, "new_password1": new, "new_password2": new if again is None else again}
    return client.post(CHANGE, data)


@pytest.mark.parametrize("persona", ["admin", "biller"])
def test_every_entity_account_finds_the_change_in_its_menu(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    html = client.get(reverse("home"), follow=True).content.decode()
    menu = html.split('<ul class="nav nav-pills')[1].split("</ul>")[0]
    assert f'href="{CHANGE}"' in menu and "Cambiar contraseña" in menu


def test_the_change_page_is_in_spanish(client, biller):
    client.force_login(biller)
    html = client.get(CHANGE).content.decode()
    assert "Cambiar contraseña" in html
    assert "Contraseña antigua" in html


def test_a_biller_changes_their_password_and_stays_logged_in(client, biller):
    client.force_login(biller)
    response = change(client)
    assert response.status_code == 302
    biller.refresh_from_db()
    assert biller.check_password(NEW)
    assert client.get(reverse("billing:index")).status_code == 200  # the session survived the change
    event = AuditEvent.objects.get(action="password_changed")
    assert (event.actor, event.entity, event.target_id) == (biller, biller.entity, str(biller.pk))


def test_the_old_password_must_be_right_and_nothing_changes_otherwise(client, admin):
    client.force_login(admin)
    response = change(client, old="no-es-la-mia")
    assert response.status_code == 200
    assert response.context["form"].has_error("old_password")
    admin.refresh_from_db()
    assert admin.check_password(f.PASSWORD)
    assert not AuditEvent.objects.filter(action="password_changed").exists()


@pytest.mark.parametrize("weak", ["12345678", "corta", "password", "bruno@example.org"])
def test_the_password_validators_refuse_a_weak_password(client, biller, weak):
    client.force_login(biller)
    response = change(client, new=weak)
    assert response.status_code == 200
    assert response.context["form"].has_error("new_password2")
    biller.refresh_from_db()
    assert biller.check_password(f.PASSWORD)


def test_the_two_new_passwords_must_match(client, biller):
    client.force_login(biller)
    response = change(client, again=NEW + "x")
    assert response.context["form"].has_error("new_password2")
    biller.refresh_from_db()
    assert biller.check_password(f.PASSWORD)


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(CHANGE)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# -- temporary passwords ---------------------------------------------------------------------------
def test_a_password_the_administrator_gives_is_temporary(client, admin, biller):
    client.force_login(admin)
    data = {"email": biller.email, "full_name": biller.full_name, "identification": ""}
    data |= {"password1": "temporal-Solar-77", "password2": "temporal-Solar-77"}
    response = client.post(reverse("licensing:biller_edit", args=[biller.pk]), data)
    assert response.status_code == 302
    biller.refresh_from_db()
    assert biller.must_change_password and biller.check_password("temporal-Solar-77")
    assert "Contraseña temporal" in client.get(reverse("licensing:billers")).content.decode()
    event = AuditEvent.objects.get(action="password_reset")
    assert (event.actor, event.target_id) == (admin, str(biller.pk))
    assert "temporal-Solar-77" not in str(AuditEvent.objects.values_list())


def test_a_new_biller_must_change_the_first_password(client, admin):
    client.force_login(admin)
    data = {"email": "punto9@example.org", "full_name": "Punto Nueve", "identification": ""}
    data |= {"password1": "temporal-Solar-77", "password2": "temporal-Solar-77"}
    client.post(reverse("licensing:biller_add"), data)
    assert User.objects.get(email="punto9@example.org").must_change_password


def test_editing_a_biller_without_a_password_keeps_it_permanent(client, admin, biller):
    client.force_login(admin)
    data = {"email": biller.email, "full_name": "Bruno Otro", "identification": "", "password1": "", "password2": ""}
    client.post(reverse("licensing:biller_edit", args=[biller.pk]), data)
    biller.refresh_from_db()
    assert not biller.must_change_password


@pytest.fixture
def temporary(biller):
    User.objects.filter(pk=biller.pk).update(must_change_password=True)
    biller.refresh_from_db()
    return biller


def test_with_a_temporary_password_every_page_leads_to_the_change(client, temporary):
    response = client.post(reverse("login"), {"username": temporary.email, "password": f.PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == CHANGE
    assert "Su contraseña es temporal" in response.content.decode()
    for name in ("home", "billing:index", "billing:new", "billing:report", "billing:cashup"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url == CHANGE, name
    # Logging out and switching language still work.
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302


def test_after_the_change_the_pages_open_again(client, temporary):
    client.force_login(temporary)
    assert change(client).status_code == 302
    temporary.refresh_from_db()
    assert not temporary.must_change_password
    assert client.get(reverse("billing:index")).status_code == 200


def test_a_temporary_password_cannot_be_kept_by_logging_out(client, temporary):
    client.force_login(temporary)
    client.post(reverse("logout"))
    client.force_login(temporary)
    assert client.get(reverse("billing:index")).url == CHANGE


def test_a_password_the_operator_sets_in_the_admin_is_temporary(client, operator, admin):
    client.force_login(operator)
    url = reverse("admin:auth_user_password_change", args=[admin.pk])
    data = {"password1": "temporal-Solar-77", "password2": "temporal-Solar-77", "usable_password": "true"}
    response = client.post(url, data)
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.must_change_password and admin.check_password("temporal-Solar-77")
    event = AuditEvent.objects.get(action="password_reset")
    assert (event.actor, event.entity, event.target_id) == (operator, admin.entity, str(admin.pk))


def test_the_operator_changes_their_own_password_on_the_same_audited_page(client, operator):
    client.force_login(operator)
    response = client.get(reverse("admin:password_change"))
    assert response.status_code == 302 and response.url == CHANGE
    assert client.get(CHANGE).status_code == 200
    assert change(client).status_code == 302
    operator.refresh_from_db()
    assert operator.check_password(NEW)
    assert only_event("password_changed").actor == operator


def only_event(action):
    return AuditEvent.objects.get(action=action)
