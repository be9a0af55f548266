"""The administrators' audit page (their entity only: filters, pages, .xlsx) and the operator's
read-only view of every entity's trail in the admin."""

import io
from datetime import UTC, datetime

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from aom import audit
from aom.models import AuditEvent

PAGE = reverse("licensing:audit")
XLSX = reverse("licensing:audit_xlsx")


def at(day: int, hour: int = 15):
    return time_machine.travel(datetime(2026, 11, day, hour, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def trail(admin, biller, other_admin, customer):
    """A few events of the entity on several days, one of another entity, one of no entity."""
    with at(3):
        audit.record("login", actor=admin)
    with at(10):
        audit.record("biller_changed", actor=admin, target=biller, changes={"full_name": ["Bruno", "Bruno F."]})
    with at(20):
        audit.record("login", actor=biller)
        audit.record("login_failed", actor_label=biller.email, target=biller)
    audit.record("login", actor=other_admin)
    audit.record("login_failed", actor_label="desconocido@example.org")


@pytest.fixture
def office(client, admin):
    client.force_login(admin)  # itself recorded: a login of Ana, now
    return client


def rows(response) -> list[str]:
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return body.split("<tr>")[1:]


def test_the_page_shows_only_the_entitys_trail(office, trail, other_admin):
    response = office.get(PAGE)
    html = response.content.decode()
    assert len(rows(response)) == 5  # the four of the trail and this login
    assert "Bruno Facturador" in html and "nombre completo: Bruno → Bruno F." in html
    assert "Inicio de sesión fallido" in html
    assert other_admin.email not in html
    assert "desconocido@example.org" not in html


def test_administrators_find_it_in_the_menu(office, trail):
    menu = office.get(reverse("licensing:billers")).content.decode().split('<ul class="nav nav-pills')[1]
    assert f'href="{PAGE}"' in menu.split("</ul>")[0]


def test_billers_neither_see_it_in_the_menu_nor_open_it(client, biller):
    client.force_login(biller)
    menu = client.get(reverse("home"), follow=True).content.decode().split('<ul class="nav nav-pills')[1]
    assert PAGE not in menu.split("</ul>")[0]
    assert client.get(PAGE).status_code == 403
    assert client.get(XLSX).status_code == 403


def test_filtering_by_who_includes_the_failed_logins_on_that_account(office, trail, biller):
    found = rows(office.get(PAGE, {"actor": biller.pk}))
    assert len(found) == 2
    assert any("Inicio de sesión fallido" in r for r in found)


def test_filtering_by_what(office, trail):
    found = rows(office.get(PAGE, {"action": "biller_changed"}))
    assert len(found) == 1 and "Facturador modificado" in found[0]


def test_filtering_by_dates_in_bogota_time(office, trail):
    assert len(rows(office.get(PAGE, {"start": "2026-11-10", "end": "2026-11-10"}))) == 1
    assert len(rows(office.get(PAGE, {"start": "2026-11-04", "end": "2026-11-30"}))) == 3
    assert len(rows(office.get(PAGE, {"end": "2026-11-03"}))) == 1


def test_far_dates_and_huge_pages_answer_without_error(office, trail):
    response = office.get(PAGE, {"start": "0001-01-01", "end": "9999-12-31", "page": "99999999999999999999999"})
    assert response.status_code == 200
    assert office.get(PAGE, {"page": "x"}).status_code == 200


def test_wrong_filters_say_so_and_show_nothing(office, trail):
    response = office.get(PAGE, {"start": "2026-11-20", "end": "2026-11-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "La fecha final es anterior a la inicial." in html
    assert "No hay registros con estos filtros." in html
    assert office.get(XLSX, {"start": "2026-11-20", "end": "2026-11-01"}).status_code == 400


def test_another_entitys_account_is_not_a_choice_and_reveals_nothing(office, trail, other_admin):
    assert other_admin.email not in office.get(PAGE).content.decode()
    response = office.get(PAGE, {"actor": other_admin.pk})
    assert response.context["form"].has_error("actor")
    assert rows(response)[0].count("No hay registros") == 1


def test_the_trail_is_shown_fifty_rows_a_page(office, admin):
    for n in range(50):
        audit.record("export", actor=admin, detail=f"n{n}")
    first = office.get(PAGE)
    assert len(rows(first)) == 50
    assert "page=2" in first.content.decode()
    second = office.get(PAGE, {"page": "2"})
    assert len(rows(second)) == 1 and "Inicio de sesión" in second.content.decode()  # the oldest


def test_the_page_takes_the_same_queries_for_any_number_of_rows(office, admin, django_assert_max_num_queries):
    for n in range(30):
        audit.record("export", actor=admin, detail=f"n{n}")
    with django_assert_max_num_queries(10):
        office.get(PAGE)


def read_xlsx(response) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(wb.active.iter_rows(values_only=True))


def test_the_export_holds_the_filtered_rows_and_is_recorded(office, trail, admin):
    response = office.get(XLSX, {"action": "login"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    table = read_xlsx(response)
    header = table.index(("Fecha", "Quién", "Acción", "Objeto", "Cambios", "Detalle", "Dirección IP"))
    data = table[header + 1 :]
    # Newest first: this login of Ana's, Bruno's on the 20th, Ana's on the 3rd.
    assert [r[1] for r in data] == ["ana@example.org", "bruno@example.org", "ana@example.org"]
    assert {r[2] for r in data} == {"Inicio de sesión"}
    assert AuditEvent.objects.filter(action="export", actor=admin).count() == 1


def test_the_export_never_turns_text_into_a_formula(office, admin):
    audit.record("login_failed", entity=admin.entity, actor_label='=HYPERLINK("http://x.example","y")')
    wb = openpyxl.load_workbook(io.BytesIO(office.get(XLSX).content))
    cells = [c for row in wb.active.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" for c in cells)


# -- the operator ----------------------------------------------------------------------------------
def test_the_operator_sees_every_entitys_trail_in_the_admin(client, operator, trail, other_admin):
    client.force_login(operator)
    html = client.get(reverse("admin:aom_auditevent_changelist")).content.decode()
    assert other_admin.email in html and "desconocido@example.org" in html and "ana@example.org" in html


def test_the_operator_can_neither_add_change_nor_delete_rows(client, operator, trail):
    client.force_login(operator)
    event = AuditEvent.objects.first()
    assert client.get(reverse("admin:aom_auditevent_add")).status_code == 403
    change = reverse("admin:aom_auditevent_change", args=[event.pk])
    assert client.get(change).status_code == 200  # to read it
    assert client.post(change, {"detail": "otro"}).status_code == 403
    assert client.post(reverse("admin:aom_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    changelist = reverse("admin:aom_auditevent_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    event_after = AuditEvent.objects.get(pk=event.pk)
    assert (event_after.detail, event_after.action) == (event.detail, event.action)
    assert AuditEvent.objects.count() == 7  # the trail and the operator's login
