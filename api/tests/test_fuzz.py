"""Property-based fuzzing of the API's paths and bodies: whatever arrives at an API call's address, the answer is
the API's JSON (or JSONP), with a 4xx status or 200, never a 500 nor a 503 while the database is up, nor an HTML
page; any other address is the portal's 404 page."""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.token_crypto import TOKEN_LENGTH
from api.protocol import GET_ACTIONS
from api.routing import page_prefixes
from tests.helpers import TARGET_ID, now_millis, seed_body

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ACTIONS = ["callback", "neocallback", "cancel", "neocancel"]
PARAMETERS = ["01010041004", "01011111111", "kr", "KR", "us", TARGET_ID, '"hello world"', "조금 까다롭던", ""]

text = st.text(st.characters(codec="utf-8"), max_size=40)
segment = st.one_of(
    st.sampled_from(PARAMETERS),
    text.map(lambda s: quote(s, safe="")),
    st.from_regex(r"[%/\"'<>a-z0-9]{0,12}", fullmatch=True),
)


def assert_api_answer(response):
    assert response.status_code in (200, 400, 401, 403, 404, 405, 409, 429), response.content
    content_type = response["Content-Type"]
    if content_type.startswith("application/javascript"):
        assert response.status_code == 200
        body = response.content.decode()
        assert body.startswith("/**/") and body.endswith(");")
        payload = json.loads(body[body.index("(") + 1 : -2])
    else:
        assert content_type.startswith("application/json")
        payload = json.loads(response.content)
    assert payload["result"] in ("success", "failed")
    return payload


@pytest.fixture
def generous_limit(settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 10**6


@FUZZ
@given(
    token=st.one_of(st.just("VALID"), text.map(lambda s: quote(s, safe="")).filter(bool), st.just("mytokentoken")),
    action=st.one_of(st.sampled_from(ACTIONS), segment.filter(bool)),
    parameters=st.lists(segment, max_size=7),
    trailing_slash=st.booleans(),
    callback=st.one_of(st.none(), st.sampled_from(["cb", "a.b"]), text),
    referer=st.one_of(st.none(), st.just("https://example.com/"), text),
)
def test_it_answers_any_call_path_in_json(
    client, value, target, generous_limit, token, action, parameters, trailing_slash, callback, referer
):
    token = value if token == "VALID" else token
    path = "/" + "/".join([token, action, *parameters]) + ("/" if trailing_slash else "")
    query = {} if callback is None else {"callback": callback}
    headers = {} if referer is None else {"Referer": referer.encode("utf-8", "surrogatepass").decode("latin-1")}

    response = client.get(path, query, headers=headers)

    # The segments as the server decoded them ("accounts%2F" arrives as /accounts/…).
    first, _slash, rest = response.wsgi_request.path_info[1:].partition("/")
    if first in page_prefixes():
        return  # a portal page's address: the page's own answer, or its HTML 404
    if rest.split("/")[0] in GET_ACTIONS or (len(first) == TOKEN_LENGTH and rest):
        assert_api_answer(response)
    else:
        assert (response.status_code, response["Content-Type"]) == (404, "text/html; charset=utf-8")


fields = st.fixed_dictionaries(
    {
        "action": st.one_of(st.sampled_from(ACTIONS), text),
        "msg": text,
        "iso": st.one_of(st.sampled_from(["kr", "", "us"]), text),
        "phonenumber": st.one_of(st.sampled_from(["01011111111", TARGET_ID, ""]), text),
        "myiso": st.one_of(st.just("kr"), text),
        "myphonenumber": st.one_of(st.just("01010041004"), text),
        "foot": st.one_of(st.just(None), st.integers(-(10**16), 10**16), text),
    }
)


@FUZZ
@given(plain=fields)
def test_it_answers_any_encrypted_body_in_json(client, value, target, generous_limit, plain):
    body = seed_body(value, **plain)

    assert_api_answer(
        client.post(
            "/callback/callback_api.php",
            body,
            content_type="application/json",
            headers={"Referer": "http://example.com/"},
        )
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(text, children, max_size=3),
    max_leaves=10,
)
raw_body = st.one_of(
    st.binary(max_size=300),
    json_values.map(json.dumps),
    st.dictionaries(
        st.sampled_from(["myaction", "mymsg", "iso", "phonenumber", "myiso", "myphonenumber", "mytoken", "foot"]),
        json_values | st.from_regex(r"[A-Za-z0-9+/=]{0,48}", fullmatch=True),
    ).map(json.dumps),
)


@FUZZ
@given(
    body=raw_body,
    referer=st.one_of(st.none(), st.just("http://example.com/"), text),
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
)
def test_it_answers_any_raw_body_in_json(client, value, generous_limit, body, referer, content_type):
    headers = {} if referer is None else {"Referer": referer.encode("utf-8", "surrogatepass").decode("latin-1")}

    assert_api_answer(client.post("/callback/callback_api.php", body, content_type=content_type, headers=headers))


def test_the_fuzzers_reach_success(client, value, target):
    """The generated requests are not all refused at the door: well-formed ones succeed."""
    response = client.post(
        "/callback/callback_api.php",
        seed_body(value, foot=now_millis()),
        content_type="application/json",
        headers={"Referer": "http://example.com/"},
    )

    assert assert_api_answer(response)["result"] == "success"
