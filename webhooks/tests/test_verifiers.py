"""The docs page's signature verifiers (Python with standardwebhooks; PHP and Node by hand), taken from the page
as served and run against real signed deliveries: they accept them and refuse a tampered body, another secret and
a stale timestamp."""

import html
import json
import re
import shutil
import subprocess
import sys
import time

import pytest

from api.models import CallRequest
from lib.phones import normalise
from webhooks import delivery, signing
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)

# What each snippet is run with: the snippet, then a few lines that call it on a case read from a JSON file.
HARNESS = {
    "python": (
        [sys.executable],
        ".py",
        """
import json, sys
case = json.load(open(sys.argv[1], encoding="utf-8"))
event = verify_webhook(case["secret"], case["headers"], case["body"])
print(json.dumps(event and event["type"]))
""",
    ),
    "php": (
        ["php"],
        ".php",
        """
$case = json_decode(file_get_contents($argv[1]), true);
$event = verify_webhook($case['secret'], $case['headers'], $case['body']);
echo json_encode($event === null ? null : $event['type']), "\\n";
""",
    ),
    "node": (
        ["node"],
        ".js",
        """
const testCase = JSON.parse(require("node:fs").readFileSync(process.argv[2], "utf8"));
const event = verifyWebhook(testCase.secret, testCase.headers, testCase.body);
console.log(JSON.stringify(event && event.type));
""",
    ),
}
LANGUAGES = [
    "python",
    pytest.param("php", marks=pytest.mark.skipif(not shutil.which("php"), reason="php is not installed")),
    pytest.param("node", marks=pytest.mark.skipif(not shutil.which("node"), reason="Node.js is not installed")),
]


def verifier(client, language):
    page = client.get("/").content.decode()
    match = re.search(
        rf'<code id="webhook-verify-{language}" data-webhook-verifier="{language}">(.*?)</code>', page, re.S
    )
    assert match, f"no {language} verifier on the docs page"
    return html.unescape(match.group(1))


def verdict(tmp_path, client, language, secret, received, body=None):
    """What the snippet says of this request: the event's type when it accepts it, None when it refuses it."""
    command, suffix, harness = HARNESS[language]
    script = tmp_path / f"verify{suffix}"
    script.write_text(verifier(client, language) + harness, encoding="utf-8")
    case = tmp_path / "case.json"
    headers = {name: received.headers[name] for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    case.write_text(json.dumps({"secret": secret, "headers": headers, "body": body or received.body}), encoding="utf-8")
    done = subprocess.run([*command, str(script), str(case)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def received(target, endpoint, receiver, token):
    """A real delivery of a call request's creation, with a Korean message (the body is UTF-8, not ASCII)."""
    endpoint, secret = endpoint
    call_request = CallRequest.request_call(normalise("01010041004", "kr"), target, "안녕하세요, 전화 주세요", token)[0]
    [created] = delivery.dispatch(WebhookEvent.objects.about(call_request.public_id).get().pk)
    delivery.attempt(created)
    return endpoint, secret, receiver.wait_for(1)[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_accepts_a_real_delivery(client, tmp_path, received, language):
    _endpoint, secret, request = received
    assert "안녕하세요" in request.body
    assert verdict(tmp_path, client, language, secret, request) == "call_request.created"


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_refuses_a_tampered_body(client, tmp_path, received, language):
    _endpoint, secret, request = received
    tampered = request.body.replace("전화 주세요", "전화 마세요")
    assert tampered != request.body
    assert verdict(tmp_path, client, language, secret, request, body=tampered) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_refuses_another_endpoint_s_secret(client, tmp_path, received, token, language):
    _endpoint, _secret, request = received
    _other, other_secret = WebhookEndpoint.add(token, "https://93.184.215.14/other", ["call_request.created"])
    assert verdict(tmp_path, client, language, other_secret, request) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_refuses_a_stale_timestamp(client, tmp_path, received, language):
    endpoint, secret, request = received
    stale = int(time.time()) - 6 * 60
    headers = dict(request.headers)
    headers["webhook-timestamp"] = str(stale)
    headers["webhook-signature"] = signing.signature_header([secret], headers["webhook-id"], stale, request.body)
    replayed = type(request)(request.path, headers, request.body)  # correctly signed, 6 minutes ago
    assert verdict(tmp_path, client, language, secret, replayed) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_accepts_either_secret_during_a_roll(client, tmp_path, target, endpoint, receiver, token, language):
    endpoint, old = endpoint
    new = endpoint.roll_secret(overlap_seconds=3600)
    delivery.attempt(delivery.send_test_event(endpoint).pk)
    request = receiver.wait_for(1)[0]
    assert verdict(tmp_path, client, language, old, request) == "webhook.test"
    assert verdict(tmp_path, client, language, new, request) == "webhook.test"
