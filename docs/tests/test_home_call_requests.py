"""The docs page on a call request's life: the X-Request-Id / X-Call-Request-Id headers, the states and what moves a
request between them, the status call (its example run in a shell), and the CallbackNow app's side."""

import html
import json
import re
import subprocess

import pytest
import requests

from api.models import CallRequest
from docs.tests.test_home_examples import examples
from tests.helpers import element

SECTIONS = {
    "en": [
        "Request IDs in the headers",
        "E. A call request's life: states and the status call",
        "The status call",
        "J. The CallbackNow app's side: the device API and the virtual phone",
    ],
    "ko": [
        "헤더의 요청 ID",
        "전화요청의 일생: 상태와 status 호출",
        "status 호출",
        "시시콜콜 앱 쪽: 기기 API와 가상 전화",
    ],
}


def run(script):
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_has_the_sections_in_both_languages(client, language):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    for heading in SECTIONS[language]:
        assert heading in page, heading
    for anchor in ("request-ids", "call-requests", "status", "app-side"):
        assert f'id="{anchor}"' in page, anchor
    assert '<li><a href="#call-requests">' in page and '<li><a href="#app-side">' in page  # in the contents


def test_it_lists_every_state_of_a_call_request(client):
    page = client.get("/").content.decode()

    documented = re.findall(r'<tr id="state-(\w+)"><th scope="row"><code>(\w+)</code>', page)
    assert [code for _anchor, code in documented] == list(CallRequest.State.values)
    assert all(anchor == code for anchor, code in documented)


def test_it_documents_the_headers_the_api_really_sends(live_token):
    base, token = live_token
    page = requests.get(base + "/", timeout=10).text
    documented = element(page, "sample-headers")

    answer = requests.get(f"{base}/{token}/callback/01010041004/kr/01011111111/kr/hello", timeout=10)

    for name in ("X-Request-Id", "X-Call-Request-Id"):
        assert f"\n{name}: " in documented and answer.headers[name]
    assert documented.endswith("\n\n" + answer.text)  # the body unchanged, byte for byte
    assert re.fullmatch(r"req_[0-9a-f]{24}", re.search(r"X-Request-Id: (\S+)", documented).group(1))


def test_it_runs_the_status_example_in_a_shell(live_token):
    base, token = live_token
    example = examples(base)["get-status"].replace("YOUR_TOKEN", token)
    sent = requests.get(f"{base}/{token}/callback/01010041004/kr/01011111111/kr/hello", timeout=10)
    made_up = re.search(r"/status/(cr_\w+)'", example).group(1)

    mine = example.replace(made_up, sent.headers["X-Call-Request-Id"])

    unknown = json.loads(run(example))
    answer = json.loads(run(mine))
    jsonp = run(mine.removesuffix("'") + "?callback=cb'")

    assert unknown == {"result": "failed", "reason": "unknown call request"}
    assert (answer["result"], answer["id"], answer["state"]) == (
        "success",
        sent.headers["X-Call-Request-Id"],
        "pending",
    )
    assert jsonp.startswith("/**/cb({") and '"state":"pending"' in jsonp
    documented = json.loads(html.unescape(element(requests.get(base + "/", timeout=10).text, "sample-status")))
    assert documented.keys() == answer.keys()
    assert [step.keys() for step in documented["history"]] == [answer["history"][0].keys()] * 4


def test_it_links_the_device_api_and_the_virtual_phone(client):
    page = client.get("/").content.decode()
    section = element(page, "app-side")
    links = re.search(r'<section id="app-side".*?</section>', page, re.S).group(0)

    assert 'href="/openapi.json"' in links and 'href="/phone/"' in links
    for call in ("GET /device/v1/me", "GET /device/v1/call-requests?wait=25", "Authorization: Bearer cbnd_…"):
        assert call in section, call
