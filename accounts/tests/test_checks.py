"""The start-up checks of the token settings."""

import pytest
from django.core.checks import run_checks


def ids(**kwargs):
    return {problem.id for problem in run_checks(**kwargs) if problem.id.startswith("accounts.")}


def test_it_accepts_the_defaults():
    assert ids() == set()


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("TOKEN_APPROVAL", "sometimes", "accounts.E001"),
        ("TOKENS_PER_DEVELOPER", 0, "accounts.E002"),
        ("TOKEN_PREFIX", "callbacknow_", "accounts.E003"),
        ("TOKEN_PREFIX", "cb-", "accounts.E003"),
    ],
)
def test_it_refuses_settings_that_would_misbehave(settings, name, value, problem):
    setattr(settings, name, value)
    assert problem in ids()


def test_it_warns_on_deploy_when_the_token_key_is_the_secret_key(settings):
    settings.TOKEN_ENCRYPTION_KEY = settings.SECRET_KEY
    assert "accounts.W001" in ids(include_deployment_checks=True)


REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}}


@pytest.fixture
def production(settings):
    """DEBUG off with the settings production needs: a shared cache, the site's address, a support address."""
    settings.DEBUG, settings.CACHES, settings.SITE_URL = False, REDIS, "https://developers.example.com"
    settings.SUPPORT_EMAIL = "developers@example.com"
    return settings


def test_it_accepts_production_with_a_shared_cache_and_the_site_s_address(production):
    assert ids(include_deployment_checks=True) == set()


def test_it_warns_when_production_names_no_support_address(production):
    production.SUPPORT_EMAIL = ""
    assert ids(include_deployment_checks=True) == {"accounts.W002"}


def test_it_needs_no_support_address_in_development(settings):
    settings.DEBUG, settings.SUPPORT_EMAIL = True, ""
    assert "accounts.W002" not in ids(include_deployment_checks=True)


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_it_refuses_production_on_a_cache_of_each_process(production, backend):
    production.CACHES = {"default": {"BACKEND": backend, "LOCATION": "/tmp/cbn-cache"}}
    assert "accounts.E004" in ids(include_deployment_checks=True)


@pytest.mark.parametrize("value", ["", "developers.example.com", "ftp://developers.example.com", "https://"])
def test_it_refuses_production_without_the_site_s_address(production, value):
    production.SITE_URL = value
    assert "accounts.E005" in ids(include_deployment_checks=True)


def test_it_lets_development_run_on_local_memory_and_the_browser_s_address(settings):
    settings.DEBUG, settings.SITE_URL = True, ""
    assert ids(include_deployment_checks=True) == set()
