"""The device API in /openapi.json (tag "Device API"): every path, its key, its answers, walked against a live server."""

import functools
import re

import pytest
import requests

from device import reasons
from docs.tests.schema import errors, resolve

DEVICE_PATHS = {
    "/device/v1/me": {"get"},
    "/device/v1/push": {"put", "delete"},
    "/device/v1/call-requests": {"get"},
    "/device/v1/events": {"get"},
    "/device/v1/events/tickets": {"post"},
    "/device/v1/call-requests/{call_request_id}": {"get"},
    "/device/v1/call-requests/{call_request_id}/seen": {"post"},
    "/device/v1/call-requests/{call_request_id}/answer": {"post"},
    "/device/v1/call-requests/{call_request_id}/decline": {"post"},
    "/device/v1/call-requests/{call_request_id}/spam": {"post"},
    "/device/v1/blocks": {"get", "post"},
    "/device/v1/blocks/{block_id}": {"delete"},
    "/device/v1/quiet-hours": {"get", "put", "delete"},
}


@pytest.fixture
def document(client, db):
    return client.get("/openapi.json").json()


def device_operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "Device API" in operation["tags"]:
                yield path, method, operation


def test_it_documents_every_device_path_under_the_bearer_scheme(document):
    documented = {}
    for path, method, operation in device_operations(document):
        documented.setdefault(path, set()).add(method)
        assert operation["security"] == [{"deviceKey": []}], path
        declared = [resolve(document, p) for p in operation["parameters"]]
        in_path = {p["name"] for p in declared if p["in"] == "path"}
        assert in_path == set(re.findall(r"\{(\w+)\}", path)), path
        assert {"401", "405", "503"} <= set(operation["responses"]), path
        assert {"200", "201"} & set(operation["responses"]), path
    assert documented == DEVICE_PATHS
    assert document["components"]["securitySchemes"]["deviceKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["deviceKey"]["description"],
    }
    assert "Device API" in [tag["name"] for tag in document["tags"]]


def test_it_lists_every_failure_with_its_status(document):
    documented = set()
    for _path, _method, operation in device_operations(document):
        for status, response in operation["responses"].items():
            if status in ("200", "201"):
                continue
            texts = response["content"]["application/json"]["schema"]["allOf"][1]["properties"]["reason"]["enum"]
            for text in texts:
                expected = reasons.REFUSED_CHANGE.status if text in reasons.REFUSED_CHANGE_TEXTS else None
                expected = expected or next(r.status for r in reasons.ALL if r.text == text)
                assert expected == int(status), text
            documented |= set(texts)
    all_texts = {r.text for r in reasons.ALL if r is not reasons.REFUSED_CHANGE} | set(reasons.REFUSED_CHANGE_TEXTS)
    assert documented == all_texts - {reasons.NOT_FOUND.text}  # an unknown path is no documented path


def assert_documented(document, operation, response):
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"HTTP {response.status_code} is not documented: {response.text}"
    if "text/event-stream" in documented["content"]:  # the stream: its type, then hang up
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert next(response.iter_lines(decode_unicode=True)) == "retry: 3000"
        response.close()
        return None
    schema = documented["content"]["application/json"]["schema"]
    assert errors(document, schema, response.json()) == [], response.text
    for name, header in documented.get("headers", {}).items():
        schema = resolve(document, header)["schema"]
        assert name in response.headers, name
        assert "enum" not in schema or response.headers[name] in schema["enum"], (name, response.headers[name])
    return response.json()


@pytest.mark.django_db(transaction=True)
def test_it_agrees_with_the_real_endpoints(live_server, target, issued_key, issued):
    plaintext, token = issued_key[1], issued[1]
    document = requests.get(live_server.url + "/openapi.json", timeout=10).json()
    key = {"Authorization": f"Bearer {plaintext}"}
    sent = requests.get(f"{live_server.url}/{token}/callback/01010041004/kr/01011111111/kr/hello", timeout=10)
    call_request_id = sent.headers["X-Call-Request-Id"]
    # List (delivering) first, then the changes: seen, answer, a refused decline, spam; the push target (a PUT
    # without a body is refused with its reason); blocks: an empty body (400), then an unknown one to undo (404).
    order = ["get", "post", "put", "delete"]
    seen_statuses = set()
    for path, method, operation in sorted(device_operations(document), key=lambda o: (order.index(o[1]), o[0])):
        url = live_server.url + path.replace("{call_request_id}", call_request_id)
        call = functools.partial(getattr(requests, method), stream=True)
        if "wait" in {p["name"] for p in operation["parameters"]}:
            assert_documented(document, operation, call(url, params={"wait": "31"}, headers=key, timeout=10))
        for response in (
            call(url, headers=key, timeout=10),
            call(url, timeout=10),
            call(url, headers={"Authorization": "Bearer cbnd_" + "x" * 32}, timeout=10),
            requests.patch(url, headers=key, timeout=10, stream=True),
        ):
            assert_documented(document, operation, response)
            seen_statuses.add(response.status_code)
        if "{call_request_id}" in path:
            other = url.replace(call_request_id, "cr_nosuchrequest0000000000")
            assert_documented(document, operation, call(other, headers=key, timeout=10))
    assert seen_statuses == {200, 201, 400, 401, 404, 405, 409}  # decline after answer: refused
