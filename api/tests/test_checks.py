"""The start-up check of the API's paths in the settings, and the settings that hold them."""

import ast
from pathlib import Path

import pytest
from django.core.checks import run_checks

from api.protocol import GET_ACTIONS

APPS = ("lib", "accounts", "webhooks", "api", "device", "apitester", "docs")


def problems():
    return [problem for problem in run_checks() if problem.id.startswith("api.")]


def test_it_accepts_the_settings_copy_of_the_api_paths():
    assert problems() == []


@pytest.mark.parametrize(
    "patterns",
    [
        # An action added to the protocol and not to the settings' copy: its plain-http calls would be redirected.
        (r"^[^/]+/(callback|neocallback|cancel|neocancel)(/|$)", r"^callback/callback_api\.php/?$"),
        (r"^[^/]+/(callback|neocallback|cancel|neocancel|status)(/|$)",),
        (),
    ],
)
def test_it_refuses_a_copy_that_differs_from_the_protocol(settings, patterns):
    settings.API_PATH_PATTERNS = patterns

    assert [problem.id for problem in problems()] == ["api.E001"]


def test_it_exempts_every_get_action_and_the_post_from_the_https_redirect(settings):
    exempt = " ".join(settings.SECURE_REDIRECT_EXEMPT)

    assert all(action in exempt for action in GET_ACTIONS) and "callback_api" in exempt


def test_it_keeps_the_settings_free_of_app_imports():
    source = Path(__file__).resolve().parents[2] / "portal" / "settings.py"
    tree = ast.parse(source.read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}

    assert not {name for name in imported if name.split(".")[0] in APPS}
