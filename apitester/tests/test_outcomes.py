"""How an exchange ended, one word with one home (apitester.outcomes): the result's badge, the history's badge,
the stored value and the page's data-outcome attribute all say the same thing, in English and Korean."""

import re
import subprocess
import sys

import pytest

from apitester.models import SentRequest
from apitester.outcomes import Outcome
from tests.helpers import ROOT, form_data

BADGES = re.compile(r'<span class="badge (badge-\w+)">([^<]+)</span>')


def badges(html, section_id):
    """The outcome badges (class, text) inside the element with this id."""
    start = html.index(f'id="{section_id}"')
    return BADGES.findall(html[start : html.index("</section>", start)])


@pytest.mark.parametrize(
    ("language", "fields", "outcome", "badge", "label"),
    [
        ("en", {}, Outcome.SUCCESS, "badge-success", "Success"),
        ("ko", {"target_number": "01099999999", "as_typed": "on"}, Outcome.FAILED, "badge-failed", "실패"),
    ],
)
def test_it_names_the_outcome_alike_in_the_result_and_the_history(
    owner_client, issued, target, api_on_live_server, language, fields, outcome, badge, label
):
    token, _plaintext = issued
    response = owner_client.post(
        "/tester/?mode=live", form_data(token=token.pk, mode="live", **fields), HTTP_ACCEPT_LANGUAGE=language
    )
    html = response.content.decode()

    assert f'data-outcome="{outcome.value}"' in html
    assert badges(html, "exchange")[0] == (badge, label)
    assert (badge, label) in badges(html, "history-title")
    assert SentRequest.objects.get().ended == outcome


def test_it_stores_only_the_words_the_page_shows():
    assert SentRequest._meta.get_field("outcome").choices == Outcome.choices
    assert {outcome.badge for outcome in Outcome} == {"badge-success", "badge-failed", "badge-pending"}
    assert [outcome for outcome in Outcome if outcome.explanation] == [
        Outcome.NOT_JSON,
        Outcome.UNREACHABLE,
        Outcome.TIMEOUT,
    ]


def test_it_keeps_every_function_of_the_test_page_simple():
    lint = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--select",
            "C901",
            "--config",
            "lint.mccabe.max-complexity=12",
            "apitester",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout
