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


@pytest.mark.parametrize("value", ["auto", "manual"])
def test_it_accepts_each_approval_mode(settings, value):
    settings.TOKEN_APPROVAL = value
    assert "accounts.E001" not in ids()


def test_it_names_the_approval_modes_when_it_refuses_one(settings):
    settings.TOKEN_APPROVAL = "Manual"
    [problem] = [problem for problem in run_checks() if problem.id == "accounts.E001"]
    assert problem.msg == "TOKEN_APPROVAL is 'Manual'; it must be one of auto, manual."
