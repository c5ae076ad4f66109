"""The test page calling the real API over HTTP on a live server: every action in every transport,
the raw exchange, the target's pending requests, and the page's snippets run as a developer would."""

import json
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from api.models import CallRequest
from apitester import trial
from apitester.models import SentRequest
from lib.aes import decrypt_field
from tests.helpers import SEED_SUCCESS, element, form_data, snippet

TRANSPORTS = ["get", "jsonp", "post"]


def send(client, **fields):
    response = client.post("/tester/", form_data(**fields))
    assert response.status_code == 200
    return response.content.decode()


def outcome(html):
    return element(html, "received-json") if 'id="received-json"' in html else ""


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_it_sends_every_action_and_shows_the_raw_exchange(owner_client, issued, target, api_on_live_server, transport):
    token, plaintext = issued
    steps = [
        ("callback", {}),
        ("cancel", {}),
        ("neocallback", {"message": "안녕하세요 / by ID"}),
        ("neocancel", {}),
    ]
    for action, extra in steps:
        html = send(owner_client, token=token.pk, transport=transport, action=action, **extra)
        pretty = json.loads(outcome(html))
        assert pretty == SEED_SUCCESS, (action, transport, pretty)
        assert 'data-outcome="success"' in html
        request = element(html, "sent-request")
        response = element(html, "received-response")
        assert response.startswith("HTTP/1.1 200 OK")
        assert f"Host: {api_on_live_server.removeprefix('http://')}" in request
        if transport == "post":
            assert request.startswith("POST /callback/callback_api.php HTTP/1.1")
            assert "Referer: http://example.com/" in request
            fields = element(html, "sent-fields")
            assert f"myaction{action}" in fields.replace(" ", "").replace("\n", "")
        else:
            assert request.startswith(f"GET /{token.masked}/{action}/01010041004/kr/")
            assert ("?callback=mycallbackfunction" in request) == (transport == "jsonp")
        if transport == "jsonp":
            assert "/**/mycallbackfunction({" in response
        pending = CallRequest.objects.pending().filter(target=target)
        assert pending.count() == (1 if action in ("callback", "neocallback") else 0)
        if action == "neocallback":
            assert pending.get().message == "안녕하세요 / by ID"
            assert "안녕하세요 / by ID" in element(html, "pending-requests")
    assert SentRequest.objects.for_owner(token.owner).count() == 4


def test_it_masks_the_token_and_lets_its_owner_reveal_it(confirmed_owner_client, issued, target, api_on_live_server):
    token, plaintext = issued
    html = send(confirmed_owner_client, token=token.pk, transport="post")
    assert 'class="reveal-toggle"' in html
    assert f'<span class="secret-masked">{token.masked}</span><span class="secret-full">{plaintext}</span>' in html
    body = json.loads(element(html, "sent-request").split("\n\n", 1)[1])
    assert decrypt_field(plaintext, body["mytoken"]) == plaintext
    assert token.events.filter(kind="revealed", data__where="test_page").count() == 1


def test_it_records_one_reveal_per_password_confirmation(
    confirmed_owner_client, issued, target, api_on_live_server, settings, monkeypatch
):
    token, plaintext = issued
    for transport in TRANSPORTS:
        assert plaintext in snippet(send(confirmed_owner_client, token=token.pk, transport=transport), "curl")
    assert token.events.filter(kind="revealed", data__where="test_page").count() == 1
    # Later than the window (the events are append-only: the page's clock moves instead of the record).
    later = timezone.now() + timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)
    monkeypatch.setattr(trial, "timezone", SimpleNamespace(now=lambda: later))
    send(confirmed_owner_client, token=token.pk)
    assert token.events.filter(kind="revealed", data__where="test_page").count() == 2


def test_it_keeps_the_owners_token_masked_until_the_password_is_confirmed(
    owner_client, issued, target, api_on_live_server, password
):
    token, plaintext = issued
    html = send(owner_client, token=token.pk, transport="post")
    assert plaintext not in html
    assert 'class="reveal-toggle"' not in html
    assert "YOUR_TOKEN" in snippet(html, "curl")
    assert not token.events.filter(kind="revealed").exists()
    entry = SentRequest.objects.get()
    link = re.search(r'<a id="reveal-link" href="([^"]+)"', html).group(1)
    assert link.endswith(f"?next=/tester/%3Ffrom%3D{entry.pk}")
    confirmed = owner_client.post(link.replace("&amp;", "&"), {"password": password})
    assert confirmed["Location"] == f"/tester/?from={entry.pk}"
    html = send(owner_client, token=token.pk, transport="post")
    assert plaintext in snippet(html, "curl")


def test_it_shows_the_apis_own_answer_to_a_mistake_sent_as_typed(owner_client, issued, target, api_on_live_server):
    token, _ = issued
    html = send(owner_client, token=token.pk, target_number="12", as_typed="on")
    assert 'data-outcome="failed"' in html
    assert json.loads(outcome(html)) == {"result": "failed", "reason": "invalid number"}
    assert element(html, "received-response").startswith("HTTP/1.1 400 Bad Request")


def test_it_shows_a_target_that_is_not_registered(owner_client, issued, target, api_on_live_server):
    token, _ = issued
    html = send(owner_client, token=token.pk, target_number="01022223333")
    assert json.loads(outcome(html)) == {
        "result": "failed",
        "reason": "target number is not registered to callbacknow",
    }
    assert 'id="pending-requests"' not in html


def run_snippet(code, suffix, command, tmp_path):
    path = tmp_path / f"snippet{suffix}"
    path.write_text(code)
    done = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def answer_in(output):
    """The API's body in a snippet's output, as it came (Python prints the status first)."""
    return output.strip().removeprefix("200 ")


def seed_answer(transport="get"):
    """The seed's success body byte for byte, as the transport carries it (JSONP: the script calling back)."""
    body = json.dumps(SEED_SUCCESS, separators=(",", ":"))
    return f"/**/mycallbackfunction({body});" if transport == "jsonp" else body


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_it_gives_curl_and_python_snippets_that_run(
    confirmed_owner_client, issued, target, api_on_live_server, tmp_path, transport
):
    token, plaintext = issued
    html = send(confirmed_owner_client, token=token.pk, transport=transport, message="from a snippet")
    curl, python = snippet(html, "curl"), snippet(html, "python")
    assert plaintext in curl and plaintext in python  # the signed-in owner's own token
    CallRequest.objects.all().delete()

    assert answer_in(run_snippet(curl, ".sh", ["bash"], tmp_path)) == seed_answer(transport)
    assert CallRequest.objects.pending().get(target=target).message == "from a snippet"
    CallRequest.objects.all().delete()

    assert answer_in(run_snippet(python, ".py", [sys.executable], tmp_path)) == seed_answer(transport)
    assert CallRequest.objects.pending().get(target=target).message == "from a snippet"


@pytest.mark.php
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_it_gives_a_php_snippet_that_runs_on_php_8(
    confirmed_owner_client, issued, target, api_on_live_server, tmp_path, transport
):
    token, _ = issued
    html = send(confirmed_owner_client, token=token.pk, transport=transport, action="neocallback")
    assert answer_in(run_snippet(snippet(html, "php"), ".php", ["php"], tmp_path)) == seed_answer(transport)


@pytest.mark.parametrize("transport", ["get", "post"])
def test_it_gives_a_javascript_snippet_that_runs_on_node(
    confirmed_owner_client, issued, target, api_on_live_server, tmp_path, transport
):
    if not shutil.which("node"):
        pytest.skip("Node.js is not installed")
    token, _ = issued
    html = send(confirmed_owner_client, token=token.pk, transport=transport)
    assert answer_in(run_snippet(snippet(html, "javascript"), ".js", ["node"], tmp_path)) == seed_answer()
    assert CallRequest.objects.pending().get(target=target).message == "hello world"


def test_it_lets_a_visitor_paste_a_token(client, issued, target, api_on_live_server):
    token, plaintext = issued
    for transport in TRANSPORTS:
        html = send(client, pasted_token=plaintext, host="example.com", transport=transport)
        assert json.loads(outcome(html)) == SEED_SUCCESS
        # Only in the field the visitor pasted it into: masked in the exchange, a placeholder in the code.
        assert html.count(plaintext) == 1
        assert f'value="{plaintext}"' in html
        assert "YOUR_TOKEN" in snippet(html, "curl")
        assert 'class="reveal-toggle"' not in html
    assert "Referer: http://example.com/" in element(html, "sent-request")
    assert not SentRequest.objects.exists()


def test_it_shows_a_visitor_the_apis_answer_to_an_unknown_token(client, target, api_on_live_server):
    html = send(client, pasted_token="mytokentoken", transport="get")
    assert json.loads(outcome(html)) == {"result": "failed", "reason": "unknown token"}
    assert "myto…oken" in element(html, "sent-request")


def test_it_reopens_and_resends_from_the_history(owner_client, issued, target, api_on_live_server):
    token, _ = issued
    send(owner_client, token=token.pk, transport="jsonp", action="neocallback", message="again")
    entry = SentRequest.objects.get()
    assert entry.url.startswith(f"{api_on_live_server}/{token.masked}/neocallback/")

    reopened = owner_client.get(f"/tester/?from={entry.pk}").content.decode()
    assert 'value="again"' in reopened
    assert re.search(r'<input type="radio" name="action" value="neocallback"[^>]*\bchecked', reopened)
    assert re.search(r'<input type="radio" name="transport" value="jsonp"[^>]*\bchecked', reopened)

    CallRequest.objects.all().delete()
    resent = owner_client.post(f"/tester/history/{entry.pk}/resend/").content.decode()
    assert json.loads(outcome(resent)) == SEED_SUCCESS
    assert CallRequest.objects.pending().get(target=target).message == "again"
    assert SentRequest.objects.count() == 2


def test_it_answers_fragments_to_the_pages_script(owner_client, issued, target, api_on_live_server):
    token, _ = issued
    response = owner_client.post("/tester/", form_data(token=token.pk), headers={"Accept": "application/json"})
    assert response.status_code == 200
    data = response.json()
    assert data["valid"] is True
    assert 'data-outcome="success"' in data["result"]
    assert 'id="tester-form"' in data["form"]
    assert 'id="history-table"' in data["history"]


def test_it_sends_an_encrypted_post_for_a_token_bound_to_an_ipv6_address(
    owner_client, developer, target, api_on_live_server
):
    from accounts.models import ApiToken

    token, _ = ApiToken.issue(developer, "Local v6", "::1")
    html = send(owner_client, token=token.pk, transport="post")
    assert "Referer: http://[::1]/" in element(html, "sent-request")
    assert json.loads(outcome(html)) == SEED_SUCCESS


def test_it_explains_a_failures_reason_in_the_pages_language(owner_client, issued, target, api_on_live_server):
    token, _ = issued
    html = send(owner_client, token=token.pk, action="cancel")
    assert json.loads(outcome(html))["reason"] == "nothing pending to cancel"
    assert element(html, "reason-description").startswith("Your tokens have no open call request from this number")
    response = owner_client.post("/tester/", form_data(token=token.pk, action="cancel"), HTTP_ACCEPT_LANGUAGE="ko")
    korean = response.content.decode()
    assert "nothing pending to cancel" in korean
    assert re.search(r"[가-힣]", element(korean, "reason-description"))


def test_it_keeps_its_own_korean_for_words_other_apps_translate_otherwise(
    owner_client, issued, target, api_on_live_server
):
    token, _ = issued
    response = owner_client.post("/tester/", form_data(token=token.pk), HTTP_ACCEPT_LANGUAGE="ko")
    html = response.content.decode()
    assert "<th>소요 시간</th>" in element_html(html, "history-table")
    assert "<th>요청 시각</th>" in element_html(html, "pending-requests")
    assert "<th>시각</th>" not in element_html(html, "history-table")


def element_html(html, element_id):
    match = re.search(r'<(\w+)[^>]*\bid="' + element_id + r'"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no #{element_id} on the page"
    return match.group(2)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_it_lets_an_empty_field_through_as_typed_to_show_the_apis_missing_parameter(
    owner_client, issued, target, api_on_live_server, transport
):
    token, _ = issued
    html = send(owner_client, token=token.pk, transport=transport, my_number="", as_typed="on")
    assert "This field is required" not in html
    assert 'data-outcome="failed"' in html
    assert json.loads(outcome(html))["reason"] == "missing parameter"


@pytest.mark.parametrize(
    ("typed", "sent"), [("대한민국", "kr"), ("South Korea", "kr"), ("한국", "kr"), ("korea", "kr"), ("+82", "kr")]
)
def test_it_takes_a_countrys_name_or_dialling_code(owner_client, issued, target, api_on_live_server, typed, sent):
    token, _ = issued
    html = send(owner_client, token=token.pk, my_country=typed, target_country=typed)
    assert "Choose a country" not in html
    assert json.loads(outcome(html))["result"] == "success"
    assert f"/01010041004/{sent}/01011111111/{sent}/" in element(html, "sent-url")


def code_without_comments(code):
    """The snippet's code with its comments taken off (what runs must not depend on the page's language)."""
    return re.sub(r"(\s+#(?!!)| // |^// |^# |<!-- ).*$", "", code, flags=re.M)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_it_comments_the_snippets_in_the_pages_language(
    confirmed_owner_client, issued, target, api_on_live_server, tmp_path, transport
):
    token, _ = issued
    english = send(confirmed_owner_client, token=token.pk, transport=transport)
    data = form_data(token=token.pk, transport=transport)
    korean = confirmed_owner_client.post("/tester/", data, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    for key in ("curl", "php", "python", "javascript"):
        assert not re.search("[가-힣]", snippet(english, key)), key
        assert re.search(r"(#|//|<!--) [^\n]*[가-힣]", snippet(korean, key)), key
        assert code_without_comments(snippet(korean, key)) == code_without_comments(snippet(english, key))
    CallRequest.objects.all().delete()
    korean_python = snippet(korean, "python")
    assert answer_in(run_snippet(korean_python, ".py", [sys.executable], tmp_path)) == seed_answer(transport)
