"""The API reference page (/reference/): its chrome in both languages, its own Content-Security-Policy, the vendored
Redoc. The rendering itself is tested in Chromium (tests/browser/test_api_reference.py)."""

import json
import re

import pytest

from tests.helpers import ROOT

REDOC = ROOT / "docs" / "static" / "docs" / "vendor" / "redoc"


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values.split() for name, _space, values in (part.strip().partition(" ") for part in policy.split(";"))
    }


@pytest.mark.django_db
def test_it_shows_the_page_in_english_and_korean(client):
    english = client.get("/reference/").content.decode()
    korean = client.get("/reference/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert '<h1 id="reference-heading">API reference</h1>' in english
    assert '<h1 id="reference-heading">API 레퍼런스</h1>' in korean
    assert 'data-spec-url="/openapi.json"' in english
    assert '<a href="/tester/">테스트 페이지</a>' in korean
    labels = re.search(r'<script id="redoc-labels" type="application/json">(.*?)</script>', korean).group(1)
    assert json.loads(labels)["requestSamples"] == "요청 예제"  # Redoc's own labels, for its script
    assert "<noscript>" in english  # without JavaScript: the document and the docs page


@pytest.mark.django_db
def test_it_allows_redoc_what_it_needs_on_its_page_only(client):
    site = directives(client.get("/"))
    page = directives(client.get("/reference/"))

    assert page["worker-src"] == ["blob:"]  # the search index's worker
    assert page["style-src"][: len(site["style-src"])] == site["style-src"]
    assert all(
        re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", source) for source in page["style-src"][len(site["style-src"]) :]
    )
    others = {name: values for name, values in site.items() if name != "style-src"}
    assert {name: values for name, values in page.items() if name not in ("worker-src", "style-src")} == others
    assert "worker-src" not in site
    assert "'unsafe-inline'" not in sum(page.values(), [])


@pytest.mark.django_db
def test_it_keeps_a_policy_set_for_the_site(client, settings):
    settings.CONTENT_SECURITY_POLICY = "default-src 'self'; worker-src 'none'"

    assert directives(client.get("/reference/"))["worker-src"] == ["'none'", "blob:"]


def test_it_serves_redoc_from_its_own_files_with_its_licence_and_source():
    bundle = (REDOC / "redoc.standalone.js").read_text()
    note = (REDOC / "README.md").read_text()

    assert "https://cdn." not in bundle  # nothing fetched from a CDN at run time
    assert '"2.5.4"' in (REDOC / "redoc.standalone.js.LICENSE.txt").read_text()
    assert "MIT License" in (REDOC / "LICENSE").read_text()
    assert "npm pack redoc@2.5.4" in note and "sha512-" in note
