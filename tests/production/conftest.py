"""Fixtures of the production tests: the environment of a production machine."""

import os
import secrets

import pytest

from tests.helpers import CONTROLLED


@pytest.fixture
def production_env(tmp_path):
    """The environment of a production machine: DEBUG off, real keys, PostgreSQL URL and Redis URL."""
    env = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        TOKEN_ENCRYPTION_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="developers.callbacknow.test",
        API_BASE_URL="https://developers.callbacknow.test",
        SITE_URL="https://developers.callbacknow.test",
        SUPPORT_EMAIL="developers@callbacknow.test",
        PUSH_CHANNELS_OFF="fcm,apns,webpush",  # no push credentials on a test machine: off on purpose
        REDIS_URL="redis://127.0.0.1:6379/0",
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    env.setdefault("DATABASE_URL", "postgres://callbacknow:secret@127.0.0.1:5432/callbacknow")
    return env
