"""Data follows the imports: no model's relation points from a lower layer to a higher one (a webhook event names its
call request by ID, not by a foreign key to api), in the layer order of import-linter's contract in pyproject.toml."""

import sys
import tomllib

from django.apps import apps
from django.conf import settings


def layers():
    """{app label: its layer's height}, lowest 0, read from the contract; apps outside it (Django's, allauth's) are
    below every layer of ours."""
    config = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return {
        app.strip(): height for height, layer in enumerate(reversed(contract["layers"])) for app in layer.split("|")
    }


def relations_against_the_layers():
    height = layers()
    wrong = []
    for model in apps.get_models():
        here = height.get(model._meta.app_label, -1)
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue  # reverse accessors are the other model's own relation
            there = height.get(field.related_model._meta.app_label, -1)
            if there > here:
                wrong.append(f"{model._meta.label}.{field.name} → {field.related_model._meta.label}")
    return wrong


def test_it_reads_every_app_of_ours_into_the_layers():
    ours = {
        config.label
        for config in apps.get_app_configs()
        if config.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in config.path  # not a .venv's
    }
    assert ours <= set(layers())


def test_it_finds_no_model_pointing_at_a_higher_layer():
    assert relations_against_the_layers() == []


def test_it_would_catch_a_model_pointing_up(monkeypatch):
    # Were accounts the top layer, the webhook endpoint's foreign key to its token would point up.
    heights = layers()
    monkeypatch.setattr(sys.modules[__name__], "layers", lambda: {**heights, "accounts": max(heights.values()) + 1})
    assert "webhooks.WebhookEndpoint.token → accounts.ApiToken" in relations_against_the_layers()
