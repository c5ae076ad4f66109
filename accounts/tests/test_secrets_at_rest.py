"""A token's text appears nowhere at rest: not in the database file, any column, the session, logs or error pages."""

import logging
import subprocess
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.urls import reverse

from accounts.models import ApiToken
from tests.helpers import reauthenticate, secret_on_page

CANARY = "canary-name-7f3c9a"  # stored in clear on purpose: proves each scan reads the rows it should


def every_text_value():
    """Every value of every column of every table, as text (works on SQLite and PostgreSQL alike)."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        yield bytes(value).decode("latin-1")
                    elif value is not None:
                        yield str(value)


def database_file_bytes():
    """The SQLite files' bytes, read by another process: opening and closing the file in this one would drop this
    process's POSIX locks on it (SQLite's own connections keep them), and a worker process that then closed its
    connection would take itself for the last user and delete the WAL index under this process's feet."""
    name = Path(connection.settings_dict["NAME"])
    paths = [str(path) for path in (name, Path(f"{name}-wal"), Path(f"{name}-journal")) if path.exists()]
    return subprocess.run(["cat", *paths], capture_output=True, check=True).stdout


def through_the_pages(client, password):
    """Apply, see it once, reveal, roll with grace: every way a secret passes through the portal. Returns them."""
    applied = client.post(reverse("accounts:token_apply"), {"name": CANARY, "host": "example.com"})
    first = secret_on_page(client.get(applied.url))
    token = ApiToken.objects.get()
    client.post(reverse("accounts:token_reveal", args=[token.pk]))
    revealed = reauthenticate(client, password, reverse("accounts:token_reveal", args=[token.pk]))
    assert secret_on_page(client.get(revealed.url)) == first
    client.post(reverse("accounts:token_roll", args=[token.pk]), {"grace_seconds": 86400, "confirm": "on"})
    second = secret_on_page(client.get(reverse("accounts:token_issued", args=[token.pk])))
    token.refresh_from_db()
    assert first and second and token.accepts(second)
    waiting = client.post(reverse("accounts:token_apply"), {"name": "Not yet shown", "host": "example.org"})
    assert waiting.status_code == 302  # its secret now waits, encrypted, in the session
    return [first, second]


@pytest.mark.django_db(transaction=True)
def test_it_never_writes_the_token_text_to_the_database(client, developer, password, caplog, settings):
    settings.DEBUG = True  # also log every SQL statement with its parameters
    caplog.set_level(logging.DEBUG)
    client.force_login(developer)
    secrets = through_the_pages(client, password)

    values = list(every_text_value())
    assert any(CANARY in value for value in values)
    for secret in secrets:
        assert not any(secret in value for value in values)
        assert not any(secret[4:] in value for value in values)  # nor its random part alone
    for session in Session.objects.all():
        assert not any(secret in str(session.get_decoded()) for secret in secrets)
    for record in caplog.records:
        assert not any(secret in record.getMessage() for secret in secrets)
    for message in mail.outbox:
        assert not any(secret in message.body for secret in secrets)

    if connection.vendor == "sqlite":
        stored = database_file_bytes()
        assert CANARY.encode() in stored
        for secret in secrets:
            assert secret.encode() not in stored and secret[4:].encode() not in stored


def test_it_keeps_the_token_off_the_debug_error_page(owner_client, monkeypatch, settings):
    settings.DEBUG = True
    owner_client.raise_request_exception = False
    applied = owner_client.post(reverse("accounts:token_apply"), {"name": "Shop", "host": "example.com"})
    plaintext_seen = []

    def broken_render(request, template, context):
        plaintext_seen.append(context["plaintext"])
        raise RuntimeError("the page broke after the secret was decrypted")

    monkeypatch.setattr("accounts.show_once.render", broken_render)
    page = owner_client.get(applied.url)
    assert page.status_code == 500 and "the page broke" in page.content.decode()
    [plaintext] = plaintext_seen
    assert plaintext not in page.content.decode()
    assert "********" in page.content.decode()  # the debug page shows the frame, with the secret masked


def test_it_keeps_the_token_out_of_its_string_forms(issued):
    token, plaintext = issued
    for text in (str(token), repr(token), token.masked, *(str(e) for e in token.events.all())):
        assert plaintext not in text
