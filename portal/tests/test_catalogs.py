"""The catalogs follow the code: `make messages-update`, run on a copy of the source, leaves every Korean string
translated in the catalog beside its code; our wording of Django's and allauth's own strings (locale/overrides, which
makemessages never writes) is complete and still theirs."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import allauth
import django
import pytest
from django.conf import settings

SOURCE = Path(settings.BASE_DIR)
OVERRIDES = SOURCE / "locale" / "overrides"
LEFT_BEHIND = shutil.ignore_patterns(".*", "__pycache__", "var", "staticfiles", "test-artifacts", "*.mo")
GETTEXT = {"LC_ALL": "C", "PATH": "/usr/bin:/bin"}


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """A copy of the source after `make messages-update`: the catalogs as the code makes them."""
    copy = tmp_path_factory.mktemp("catalogs") / "src"
    shutil.copytree(SOURCE, copy, ignore=LEFT_BEHIND)
    done = subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", "messages-update", f"PY={sys.executable}"],
        cwd=copy,
        capture_output=True,
        text=True,
        env={**GETTEXT, "VAR_DIR": str(copy / "var")},
    )
    assert done.returncode == 0, done.stderr
    return copy


def korean_catalogs(root):
    return sorted(root.glob("**/locale/ko/LC_MESSAGES/django.po"))


def statistics(catalog):
    done = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalog)],
        capture_output=True,
        text=True,
        env=GETTEXT,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def msgids(catalog):
    text = catalog.read_text(encoding="utf-8")
    return {"".join(re.findall(r'"(.*)"', block)) for block in re.findall(r'^msgid ((?:".*"\n)+)', text, re.M)} - {""}


def test_it_translates_every_korean_string_in_the_catalog_beside_its_code(updated):
    catalogs = korean_catalogs(updated)
    homes = {catalog.relative_to(updated).parts[0] for catalog in catalogs}
    assert {"locale", "accounts", "api", "webhooks", "device", "apitester", "docs"} <= homes
    for catalog in catalogs:
        stats = statistics(catalog)
        assert "untranslated" not in stats and "fuzzy" not in stats, f"{catalog.relative_to(updated)}: {stats}"


def test_it_gives_a_string_one_korean_wording_in_every_catalog(updated):
    # Django reads a string from the first catalog that has it: a second wording elsewhere would never show.
    catalogs = [*korean_catalogs(updated), updated / "locale" / "overrides" / "ko" / "LC_MESSAGES" / "django.po"]
    done = subprocess.run(["msgcat", "--more-than=1", *map(str, catalogs)], capture_output=True, text=True, env=GETTEXT)
    assert done.returncode == 0, done.stderr
    entries = done.stdout.split("\n\n")[1:]  # past the header
    assert [entry for entry in entries if "#-#-#-#-#" in entry] == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_keeps_overrides_of_django_and_allauth_complete_and_still_theirs(language):
    # English is the source language: its overrides only restyle allauth's wording ("Sign Up" as "Sign up").
    overrides = OVERRIDES / language / "LC_MESSAGES" / "django.po"
    stats = statistics(overrides)
    assert "untranslated" not in stats and "fuzzy" not in stats, stats
    theirs = set()
    for package in (django, allauth):
        for catalog in Path(package.__file__).parent.glob(f"**/locale/{language}/LC_MESSAGES/django.po"):
            theirs |= msgids(catalog)
    assert msgids(overrides) and msgids(overrides) <= theirs, msgids(overrides) - theirs
