"""The docs page's webhooks section: the events, an example of each (from webhooks.examples, as the OpenAPI
document has them), the headers, the retry schedule from the settings, and the verifiers; Korean and English."""

import html
import json
import re

import pytest

from webhooks.examples import example_payload
from webhooks.models import EventType


def page(client, language="en"):
    return client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def section(text):
    return text[text.index('<section id="webhooks"') :]


def test_it_has_its_place_in_the_contents(client):
    text = page(client)
    assert '<a href="#webhooks">F. Webhooks</a>' in text
    assert '<a href="#webhooks">F. 웹훅</a>' in page(client, "ko")


def test_it_lists_every_event_with_an_example_as_the_openapi_document_has_it(client):
    text = section(page(client))
    document = client.get("/openapi.json").json()
    for event in EventType:
        slug = event.value.replace(".", "-")
        meaning = re.search(
            rf'<dt id="webhook-event-{slug}"><code>{re.escape(event.value)}</code></dt><dd>(.+?)</dd>', text
        )
        assert meaning and meaning.group(1), event
        shown = re.search(rf'<code id="webhook-example-{slug}" data-webhook-example="[^"]+">(.*?)</code>', text, re.S)
        example = json.loads(html.unescape(shown.group(1)))
        assert example == example_payload(event)
        operation = document["x-webhooks"][event.value]["post"]
        assert operation["requestBody"]["content"]["application/json"]["example"] == example


def test_it_documents_headers_retries_and_disabling_from_the_settings(client, settings):
    settings.WEBHOOK_RETRY_DELAYS = [5, 300, 7200]
    settings.WEBHOOK_DISABLE_AFTER_SECONDS = 3 * 86400
    text = section(page(client))
    for header in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        assert f"<code>{header}</code>" in text
    rows = re.findall(r"<tr><td>(\d)</td><td>([^<]+)</td><td><code>([\d:]+)</code></td></tr>", text)
    assert rows == [
        ("1", "at once", "0:00:00"),
        ("2", "5 seconds", "0:00:05"),
        ("3", "5 minutes", "0:05:05"),
        ("4", "2 hours", "2:05:05"),
    ]
    assert "every delivery failed for 3 days is disabled" in text
    korean = section(page(client, "ko"))
    assert "3일 동안 모든 전송이 실패한 엔드포인트는 사용 중지되고" in korean
    assert "<td>5분</td>" in korean and "<td>2시간</td>" in korean


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("en", ["Verifying the signature", "Answering, retries and order", "The body", "Headers"]),
        ("ko", ["서명 검증", "응답, 재시도와 순서", "본문", "헤더", "대상이 다시 전화하기로 했습니다."]),
    ],
)
def test_it_speaks_the_reader_s_language(client, language, phrases):
    text = section(page(client, language))
    for phrase in phrases:
        assert phrase in text, phrase


def test_it_shows_the_three_verifiers(client):
    text = section(page(client))
    for key, marker in (("python", "Webhook(secret).verify"), ("php", "hash_hmac('sha256'"), ("node", "createHmac")):
        code = re.search(rf'<code id="webhook-verify-{key}"[^>]*>(.*?)</code>', text, re.S)
        assert code and marker in html.unescape(code.group(1)), key
