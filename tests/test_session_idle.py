"""A session ends after the configured idle time (SESSION_IDLE_HOURS, 8 by default); every
request pushes the end forward, with at most one write a minute."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f

START = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
PAGE = reverse("billing:index")


def opens(client) -> bool:
    return client.get(PAGE).status_code == 200


def test_the_idle_time_is_eight_hours_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_a_session_in_use_lasts_past_the_idle_time(client, biller):
    with time_machine.travel(START, tick=False):
        client.post(reverse("login"), {"username": biller.email, "password": f.PASSWORD})
    for hours in (7, 14, 21):
        with time_machine.travel(START + timedelta(hours=hours), tick=False):
            assert opens(client), hours


def test_a_session_left_idle_ends(client, biller):
    with time_machine.travel(START, tick=False):
        client.post(reverse("login"), {"username": biller.email, "password": f.PASSWORD})
        assert opens(client)
    with time_machine.travel(START + timedelta(hours=8, minutes=1), tick=False):
        response = client.get(PAGE)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_idle_time_follows_the_setting(client, biller, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    with time_machine.travel(START, tick=False):
        client.post(reverse("login"), {"username": biller.email, "password": f.PASSWORD})
    with time_machine.travel(START + timedelta(minutes=31), tick=False):
        assert not opens(client)


def test_requests_within_a_minute_do_not_write_the_session(client, biller):
    with time_machine.travel(START, tick=False):
        client.force_login(biller)
        with CaptureQueriesContext(connection) as queries:
            assert opens(client)
    assert not any("django_session" in q["sql"] and q["sql"].startswith("UPDATE") for q in queries.captured_queries)
    with time_machine.travel(START + timedelta(minutes=2), tick=False), CaptureQueriesContext(connection) as queries:
        assert opens(client)
    assert any("django_session" in q["sql"] and q["sql"].startswith("UPDATE") for q in queries.captured_queries)
