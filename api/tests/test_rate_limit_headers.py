"""The IETF RateLimit-Policy and RateLimit fields on every answer, Retry-After on a 429, and what a page's script
may read of them (Access-Control-Expose-Headers)."""

import re

import pytest

from tests.helpers import now_millis, seed_body

pytestmark = pytest.mark.django_db
CALLBACK = "/{value}/callback/01010041004/kr/01011111111/kr/hi"
UNKNOWN = "/cbn_NotAToken0123456789abcdefgh/callback/01010041004/kr/01011111111/kr/hi"


def remaining_and_reset(response, policy):
    found = re.fullmatch(rf'"{policy}";r=(\d+);t=(\d+)', response["RateLimit"])
    assert found, response["RateLimit"]
    return int(found[1]), int(found[2])


@pytest.fixture
def limits(settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    settings.API_REFUSED_PER_ADDRESS_PER_MINUTE = 2


def test_it_tells_each_admitted_call_its_token_s_limit(client, value, target, limits):
    answers = [client.get(CALLBACK.format(value=value)) for _ in range(3)]

    assert [response["RateLimit-Policy"] for response in answers] == ['"token";q=3;w=60'] * 3
    assert [remaining_and_reset(response, "token")[0] for response in answers] == [2, 1, 0]
    assert all(0 < remaining_and_reset(response, "token")[1] <= 60 for response in answers)
    assert all("Retry-After" not in response for response in answers)


def test_it_says_when_to_try_again_on_a_429(client, value, target, limits):
    for _ in range(3):
        client.get(CALLBACK.format(value=value))

    refused = client.get(CALLBACK.format(value=value))

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["RateLimit-Policy"] == '"token";q=3;w=60'
    assert remaining_and_reset(refused, "token")[0] == 0


def test_it_tells_a_refused_call_its_address_s_allowance(client, limits):
    answers = [client.get(UNKNOWN) for _ in range(3)]

    assert [response.status_code for response in answers] == [401, 401, 429]
    assert [response["RateLimit-Policy"] for response in answers] == ['"address";q=2;w=60'] * 3
    assert [remaining_and_reset(response, "address")[0] for response in answers] == [1, 0, 0]
    assert "Retry-After" not in answers[1]
    assert 1 <= int(answers[2]["Retry-After"]) <= 60


def test_it_puts_them_on_jsonp_and_encrypted_answers_too(client, value, target, limits):
    jsonp = client.get(CALLBACK.format(value=value) + "?callback=cb")
    post = client.post(
        "/callback/callback_api.php",
        seed_body(value, foot=now_millis()),
        content_type="application/json",
        headers={"Referer": "http://example.com/"},
    )

    assert jsonp.content.startswith(b"/**/cb(")
    assert [remaining_and_reset(response, "token")[0] for response in (jsonp, post)] == [2, 1]


def test_it_lets_a_page_s_script_read_them(client, value, target):
    response = client.get(CALLBACK.format(value=value))

    exposed = {name.strip() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert exposed == {"X-Request-Id", "X-Call-Request-Id", "RateLimit-Policy", "RateLimit", "Retry-After"}
    assert response["Access-Control-Allow-Origin"] == "*"
