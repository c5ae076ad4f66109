"""The top-level Korean catalogue (layout, docs page, allauth overrides) is complete and compiles."""

import subprocess
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def test_it_translates_every_message_of_the_top_level_catalogue():
    done = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
    )
    assert done.returncode == 0, done.stderr
    assert "untranslated" not in done.stderr and "fuzzy" not in done.stderr, done.stderr
    assert "translated messages" in done.stderr


def test_it_holds_only_the_portal_s_own_messages():
    # Strings of accounts, api and apitester belong in their apps' catalogues.
    references = [line for line in CATALOGUE.read_text().splitlines() if line.startswith("#: ")]
    files = {ref.rsplit(":", 1)[0] for line in references for ref in line[3:].split()}
    assert files and all(path.startswith(("portal/", "docs/", "templates/")) for path in files), files
