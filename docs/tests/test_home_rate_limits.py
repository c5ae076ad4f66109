"""The docs page on rate limits in the headers (issue 14): RateLimit-Policy, RateLimit and a 429's Retry-After."""

import re

import pytest

from tests.helpers import element

pytestmark = pytest.mark.django_db


def test_it_documents_the_headers_of_a_rate_limited_answer_as_the_api_sends_them(client, issued, target, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    _token, value = issued
    documented = element(client.get("/").content.decode(), "sample-rate-limit")
    path = f"/{value}/callback/01010041004/kr/01011111111/kr/hi"

    assert client.get(path).status_code == 200
    refused = client.get(path)

    assert refused.status_code == 429
    assert re.search(r"RateLimit-Policy: (.+)", documented)[1] == refused["RateLimit-Policy"]
    for name in ("RateLimit", "Retry-After"):
        assert f"\n{name}: " in documented and refused[name]
    assert re.fullmatch(r'"token";r=0;t=\d+', re.search(r"RateLimit: (.+)", documented)[1])
    assert documented.endswith("\n\n" + refused.content.decode())  # the body unchanged, byte for byte


@pytest.mark.parametrize("language, heading", [("en", "Rate limits in the headers"), ("ko", "헤더의 호출 한도")])
def test_it_explains_them_in_both_languages(client, language, heading):
    page = client.get("/", headers={"Accept-Language": language}).content.decode()

    assert f'<h3 id="rate-limits">{heading}</h3>' in page
    assert 'href="#rate-limits"' in page
