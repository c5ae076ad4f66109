"""The home page's examples, pasted into a terminal against the running server, do what the page says."""

import html
import json
import re
import subprocess
import sys

import pytest
import requests

from api.models import CallRequest
from lib.aes import encrypt_field
from tests.helpers import SEED_SUCCESS


def examples(base):
    """{code block id: its text} of the home page as served."""
    page = requests.get(base + "/", timeout=10).text
    blocks = re.findall(r'<code id="([\w-]+)"[^>]*>(.*?)</code>', page, re.S)
    return {name: html.unescape(text) for name, text in blocks}


def run(script, *args):
    done = subprocess.run(["bash", "-c", script, *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_it_shows_this_site_s_address_and_placeholders(live_server):
    found = examples(live_server.url)
    assert found["get-callback"] == (
        f"curl '{live_server.url}/YOUR_TOKEN/callback/01010041004/kr/01011111111/kr/hello%20world'"
    )
    assert f'API_URL = "{live_server.url}/callback/callback_api.php"' in found["sample-python"]
    assert 'HOST = "example.com"' in found["sample-python"]


def test_it_runs_the_get_examples_in_a_shell(live_token):
    base, token = live_token
    found = {name: text.replace("YOUR_TOKEN", token) for name, text in examples(base).items()}
    assert json.loads(run(found["get-callback"])) == SEED_SUCCESS
    assert CallRequest.objects.pending().get().message == "hello world"
    assert json.loads(run(found["get-cancel"])) == SEED_SUCCESS
    assert not CallRequest.objects.pending().exists()
    assert json.loads(run(found["get-neocallback"])) == SEED_SUCCESS
    assert json.loads(run(found["get-neocancel"])) == SEED_SUCCESS
    assert json.loads(run(found["get-cancelById"])) == {"result": "failed", "reason": "nothing pending to cancel"}
    assert run(found["get-jsonp"]) == "/**/mycallbackfunction(" + json.dumps(SEED_SUCCESS, separators=(",", ":")) + ");"


def test_it_accepts_the_documented_korean_message_and_referer(live_token):
    base, token = live_token
    callback = examples(base)["get-callback"].replace("YOUR_TOKEN", token)
    korean = callback.replace("hello%20world", "%EC%95%88%EB%85%95%ED%95%98%EC%84%B8%EC%9A%94")
    assert json.loads(run(korean + " -H 'Referer: http://example.com/page'")) == SEED_SUCCESS
    assert CallRequest.objects.pending().get().message == "안녕하세요"
    refused = json.loads(run(callback + " -H 'Referer: http://elsewhere.example/'"))
    assert refused == {"result": "failed", "reason": "host mismatch"}


def test_it_runs_the_shell_post_sample(live_token):
    base, token = live_token
    script = examples(base)["sample-shell"].replace("TOKEN='YOUR_TOKEN'", f"TOKEN='{token}'")
    assert json.loads(run(script)) == SEED_SUCCESS
    assert CallRequest.objects.pending().count() == 1


def body(answer):
    """The API's answer as its body spells it: compact JSON, keys in the seed's order."""
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":"))


def run_file(command, name, code, tmp_path):
    (tmp_path / name).write_text(code)
    done = subprocess.run([*command, name], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_it_runs_the_python_post_sample(live_token, tmp_path):
    base, token = live_token
    sample = examples(base)["sample-python"].replace('TOKEN = "YOUR_TOKEN"', f'TOKEN = "{token}"')
    assert run_file([sys.executable], "client.py", sample, tmp_path) == "200 " + body(SEED_SUCCESS)
    assert CallRequest.objects.pending().get().message == "hello world"
    cancel = sample.replace('"myaction": "callback"', '"myaction": "cancel"').replace(
        '"mymsg": "hello world"', '"mymsg": ""'
    )
    assert run_file([sys.executable], "client.py", cancel, tmp_path) == "200 " + body(SEED_SUCCESS)
    assert not CallRequest.objects.pending().exists()


@pytest.mark.php
def test_it_runs_the_php_client(live_token, tmp_path):
    base, token = live_token
    sample = examples(base)["sample-php"].replace('$myToken = "YOUR_TOKEN";', f'$myToken = "{token}";')
    assert run_file(["php"], "client.php", sample, tmp_path) == body(SEED_SUCCESS)
    assert CallRequest.objects.pending().get().message == "hello world"
    # The seed's commented-out withdrawal, put back: the same client sends the request again, then cancels it.
    withdrawal = sample.replace("\n// send_sisicallcall_service(", "\nsend_sisicallcall_service(")
    both = body(SEED_SUCCESS) * 2
    assert run_file(["php"], "client.php", withdrawal, tmp_path) == both
    assert not CallRequest.objects.pending().exists()


def test_it_runs_the_node_sample(live_token, tmp_path):
    base, token = live_token
    sample = examples(base)["sample-node"].replace('const TOKEN = "YOUR_TOKEN";', f'const TOKEN = "{token}";')
    assert run_file(["node"], "client.js", sample, tmp_path) == body(SEED_SUCCESS)
    assert CallRequest.objects.pending().get().message == "hello world"


def test_it_shows_an_encryption_check_that_openssl_agrees_with(live_server):
    found = examples(live_server.url)
    key = re.search(r"TOKEN='(\w+)'", found["sample-openssl"]).group(1)
    expected = encrypt_field(key, "callback")
    assert run(found["sample-openssl"]) == expected
    assert expected in requests.get(live_server.url + "/", timeout=10).text
