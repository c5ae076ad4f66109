import json
import re
import time
from urllib.parse import quote

import pytest
import requests
from django.utils import translation
from openapi_spec_validator import OpenAPIV30SpecValidator

from api import reasons
from docs.tests.schema import errors, resolve
from lib.aes import encrypt_field


@pytest.fixture
def document(client):
    return client.get("/openapi.json").json()


def operations(document):
    """The Open API's operations; the device API's (tag "Device API") have their own checks in device/tests."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "Device API" not in operation["tags"]:
                yield path, method, operation


def test_it_serves_an_openapi_3_document_for_this_site(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["openapi"].startswith("3.0.")
    assert document["servers"] == [{"url": "http://testserver"}]
    assert document["info"]["title"]


def test_it_is_a_valid_openapi_3_0_document(document):
    problems = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in OpenAPIV30SpecValidator(document).iter_errors()
    ]
    assert problems == []


def test_it_describes_the_encrypted_fields_as_the_seed_s_client_sends_them(document):
    body = resolve(
        document,
        document["paths"]["/callback/callback_api.php"]["post"]["requestBody"]["content"]["application/json"]["schema"],
    )
    empty_plaintext = encrypt_field("0123456789abcdef0123456789abcdef", "")
    for name, field in body["properties"].items():
        assert errors(document, field, empty_plaintext) == [], name  # an empty value is one padded block
        assert errors(document, field, "") != [], name  # the API refuses an empty mytoken: "missing parameter"
    assert errors(document, body, body["example"]) == []


def test_it_describes_the_reasons_in_english_whatever_the_page_language(client):
    document = client.get("/openapi.json", HTTP_ACCEPT_LANGUAGE="ko").json()
    description = document["components"]["schemas"]["Failure"]["properties"]["reason"]["description"]
    with translation.override("en"):
        assert str(reasons.UNKNOWN_TOKEN.description) in description
    assert "토큰" not in description


def test_it_documents_the_seed_s_paths_and_the_status_call(document):
    assert set(document["paths"]) == {
        "/{token}/callback/{my_number}/{my_iso}/{target_number}/{target_iso}/{message}",
        "/{token}/neocallback/{my_number}/{my_iso}/{target_id}/{message}",
        "/{token}/cancel/{my_number}/{my_iso}/{target_number}/{target_iso}",
        "/{token}/neocancel/{my_number}/{my_iso}/{target_id}",
        "/{token}/cancel/{my_number}/{my_iso}/{target_id}",
        "/callback/callback_api.php",
        "/{token}/status/{call_request_id}",
        "/device/v1/me",
        "/device/v1/push",
        "/device/v1/call-requests",
        "/device/v1/events",
        "/device/v1/events/tickets",
        "/device/v1/call-requests/{call_request_id}",
        "/device/v1/call-requests/{call_request_id}/seen",
        "/device/v1/call-requests/{call_request_id}/answer",
        "/device/v1/call-requests/{call_request_id}/decline",
        "/device/v1/call-requests/{call_request_id}/spam",
        "/device/v1/blocks",
        "/device/v1/blocks/{block_id}",
        "/device/v1/quiet-hours",
    }
    post = document["paths"]["/callback/callback_api.php"]["post"]
    body = resolve(document, post["requestBody"]["content"]["application/json"]["schema"])
    assert body["required"] == ["myaction", "mymsg", "iso", "phonenumber", "myiso", "myphonenumber", "mytoken", "foot"]


def test_it_declares_every_path_parameter_and_the_jsonp_callback(document):
    for path, method, operation in operations(document):
        declared = [resolve(document, p) for p in operation.get("parameters", [])]
        in_path = {p["name"] for p in declared if p["in"] == "path"}
        assert in_path == set(re.findall(r"\{(\w+)\}", path)), path
        assert all(p["required"] for p in declared if p["in"] == "path")
        if method == "get":
            assert any(p["in"] == "query" and p["name"] == "callback" for p in declared), path


def test_it_lists_every_failure_reason_with_its_status(document):
    failure = document["components"]["schemas"]["Failure"]
    assert failure["properties"]["reason"]["enum"] == [reason.text for reason in reasons.ALL]
    documented = set()
    for _path, _method, operation in operations(document):
        for status, response in operation["responses"].items():
            if status == "200":
                continue
            schema = response["content"]["application/json"]["schema"]
            for text in schema["allOf"][1]["properties"]["reason"]["enum"]:
                assert reasons_by_text()[text].status == int(status)
                documented.add(text)
    assert documented == {reason.text for reason in reasons.ALL}


def test_it_keeps_post_only_failures_off_the_get_paths(document):
    get = document["paths"]["/{token}/cancel/{my_number}/{my_iso}/{target_id}"]["get"]
    post = document["paths"]["/callback/callback_api.php"]["post"]
    assert "replayed request" not in json.dumps(get["responses"])
    assert "replayed request" in json.dumps(post["responses"])
    assert "invalid callback name" in json.dumps(get["responses"])
    assert "invalid callback name" not in json.dumps(post["responses"])


def test_it_resolves_every_reference(document):
    references = []

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                references.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert references, "the document shares no component: nothing to resolve"
    for reference in references:
        assert reference.startswith("#/components/"), reference
        target = document
        for part in reference.removeprefix("#/").split("/"):
            assert isinstance(target, dict) and part in target, f"{reference}: no {part!r}"
            target = target[part]
        assert isinstance(target, dict) and target, f"{reference} names no object"


def reasons_by_text():
    return {reason.text: reason for reason in reasons.ALL}


# ---- the document walked against the real endpoints ---------------------------------------------


def get_url(document, path, operation, token, **overrides):
    values = {}
    for parameter in map(lambda p: resolve(document, p), operation["parameters"]):
        if parameter["in"] == "path":
            values[parameter["name"]] = overrides.get(parameter["name"], parameter["example"])
    values["token"] = token
    for name, value in values.items():
        path = path.replace(f"{{{name}}}", quote(value, safe=""))
    return document["servers"][0]["url"] + path


def assert_documented(document, operation, response):
    """The status is one the operation documents, and the body validates against its schema."""
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"HTTP {response.status_code} is not documented: {response.text}"
    media_type = response.headers["Content-Type"].split(";")[0]
    assert media_type in documented["content"], media_type
    schema = documented["content"][media_type]["schema"]
    body = response.json() if media_type == "application/json" else response.text
    assert errors(document, schema, body) == [], body
    return body


def test_it_agrees_with_the_real_endpoints(live_token):
    base, token = live_token
    document = requests.get(base + "/openapi.json", timeout=10).json()
    seen = set()
    for path, method, operation in operations(document):
        if method != "get":
            continue
        url = get_url(document, path, operation, token)
        plain = assert_documented(document, operation, requests.get(url, timeout=10))
        seen.add(plain["result"])
        jsonp = requests.get(url, params={"callback": "mycallbackfunction"}, timeout=10)
        assert jsonp.status_code == 200
        assert_documented(document, operation, jsonp)
        for failing in (
            requests.get(get_url(document, path, operation, "no-such-token"), timeout=10),
            requests.get(get_url(document, path, operation, token, my_iso="zz"), timeout=10),
            requests.get(url, params={"callback": "alert(1)"}, timeout=10),
            requests.get(url, headers={"Referer": "http://elsewhere.example/"}, timeout=10),
        ):
            assert assert_documented(document, operation, failing)["result"] == "failed"
    assert seen == {"success", "failed"}  # the document's examples reach both shapes (a second cancel fails)


def test_it_agrees_with_the_real_encrypted_post(live_token):
    base, token = live_token
    document = requests.get(base + "/openapi.json", timeout=10).json()
    operation = document["paths"]["/callback/callback_api.php"]["post"]
    schema = resolve(document, operation["requestBody"]["content"]["application/json"]["schema"])
    plaintext = {name: field["x-plaintext"] for name, field in schema["properties"].items()}
    plaintext.update(mytoken=token, foot=str(int(time.time() * 1000)))
    body = {name: encrypt_field(token, value) for name, value in plaintext.items()}
    assert errors(document, schema, body) == []
    referer = next(p for p in operation["parameters"] if p["name"] == "Referer")["example"]
    url = document["servers"][0]["url"] + "/callback/callback_api.php"

    first = requests.post(url, json=body, headers={"Referer": referer}, timeout=10)
    assert assert_documented(document, operation, first)["result"] == "success"
    again = requests.post(url, json=body, headers={"Referer": referer}, timeout=10)
    assert assert_documented(document, operation, again) == {"result": "failed", "reason": "replayed request"}
    for failing in (
        requests.post(url, json=body, timeout=10),
        requests.post(url, data="not json", headers={"Referer": referer}, timeout=10),
        requests.post(url, json={**body, "foot": encrypt_field(token, "1")}, headers={"Referer": referer}, timeout=10),
    ):
        assert assert_documented(document, operation, failing)["result"] == "failed"


def test_it_describes_the_real_status_answer_and_its_headers(live_token):
    base, token = live_token
    document = requests.get(base + "/openapi.json", timeout=10).json()
    sent = requests.get(f"{base}/{token}/callback/01010041004/kr/01011111111/kr/hello", timeout=10)
    operation = document["paths"]["/{token}/status/{call_request_id}"]["get"]
    callback = document["paths"]["/{token}/callback/{my_number}/{my_iso}/{target_number}/{target_iso}/{message}"]

    status = requests.get(f"{base}/{token}/status/{sent.headers['X-Call-Request-Id']}", timeout=10)

    assert assert_documented(document, operation, status)["state"] == "pending"
    for response, documented in ((sent, callback["get"]["responses"]["200"]), (status, operation["responses"]["200"])):
        for name, header in documented["headers"].items():
            schema = resolve(document, header)["schema"]
            assert re.match(schema["pattern"], response.headers[name]), (name, response.headers.get(name))
