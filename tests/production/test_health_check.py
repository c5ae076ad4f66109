"""GET /healthz: what a load balancer probes on each machine."""

import pytest
from django.test import override_settings

PUSH_OFF = {"fcm": "off", "apns": "off", "webpush": "off"}


@pytest.mark.django_db
def test_it_answers_ok_when_the_database_and_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "push": PUSH_OFF}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["developers.callbacknow.test"], SECURE_SSL_REDIRECT=True)
def test_it_answers_a_probe_by_address_over_plain_http(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.django_db
def test_it_says_degraded_but_serves_on_when_redis_does_not_answer(client, unreachable_redis):
    """The API answers through a cache outage (issue 14): a balancer must not take the machine out for it."""
    with override_settings(CACHES=unreachable_redis):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "push": PUSH_OFF,
    }


@pytest.mark.django_db
def test_it_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("the database does not answer")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", down)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "cache": "ok",
        "push": PUSH_OFF,
    }


@pytest.mark.django_db
def test_it_says_which_push_channels_have_their_credentials(client, settings):
    settings.PUSH_VAPID_PRIVATE_KEY_FILE, settings.PUSH_VAPID_SUBJECT = (
        "/etc/callbacknow/vapid.pem",
        "mailto:ops@x.test",
    )

    response = client.get("/healthz")

    assert (response.status_code, response.json()["push"]) == (200, {"fcm": "off", "apns": "off", "webpush": "on"})
