"""The project's deploy checks (portal.checks): a shared cache, the site's address and a support address in
production; nothing asked of development. Their IDs are those they had under accounts."""

import pytest
from django.core.checks import run_checks


def ids(**kwargs):
    return {problem.id for problem in run_checks(**kwargs) if problem.id.startswith("accounts.")}


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


def test_it_warns_of_each_push_channel_without_credentials(production):
    warnings = {
        problem.id for problem in run_checks(include_deployment_checks=True) if problem.id.startswith("device.")
    }
    assert warnings == {"device.W001", "device.W002", "device.W003"}
    production.PUSH_FCM_SERVICE_ACCOUNT_FILE = "/etc/callbacknow/fcm.json"
    warnings = {
        problem.id for problem in run_checks(include_deployment_checks=True) if problem.id.startswith("device.")
    }
    assert warnings == {"device.W002", "device.W003"}
    production.PUSH_CHANNELS_OFF = ["webpush"]  # off on purpose
    warnings = {
        problem.id for problem in run_checks(include_deployment_checks=True) if problem.id.startswith("device.")
    }
    assert warnings == {"device.W002"}
