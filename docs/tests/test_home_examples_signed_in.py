"""For a signed-in developer the home page's examples carry their test token in full and a magic test number: each
runs as copied, unchanged, against the running server (curl, Python, PHP, Node), and what it does shows up as
their test call requests. The live token is never on the page."""

import html
import json
import re
import subprocess
import sys

import pytest
import requests
from django.test import Client

from accounts.models import ApiToken
from api.models import CallRequest
from docs.tests.test_home_examples import body, run, run_file
from docs.views import DOCS_MAGIC

pytestmark = pytest.mark.django_db(transaction=True)

MAGIC_SUCCESS = {"result": "success", "opname": "CallbackNow test", "iso": "kr", "phone_number": "01000000003"}


@pytest.fixture
def signed_in(live_server, developer, issued):
    """(the examples of the page as served to the signed-in developer, their test token, their live token)."""
    client = Client()
    client.force_login(developer)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    page = session.get(live_server.url + "/", timeout=10)
    assert page.headers["Cache-Control"].startswith("max-age=0") or "no-cache" in page.headers["Cache-Control"]
    test_token = ApiToken.objects.for_owner(developer).test().get()
    return examples_of(page.text), test_token, issued


def examples_of(page):
    """{code block id: its text} of a page, as test_home_examples.examples reads them."""
    blocks = re.findall(r'<code id="([\w-]+)"[^>]*>(.*?)</code>', page, re.S)
    return {name: html.unescape(text) for name, text in blocks}


def open_magic_requests(developer):
    return CallRequest.objects.sent_by(developer).open().filter(target__number=DOCS_MAGIC.number)


def test_the_page_carries_the_test_token_in_full_and_never_the_live_one(signed_in, developer):
    found, test_token, (live, live_plaintext) = signed_in
    everything = "\n".join(found.values())
    assert test_token.secret in found["get-callback"]
    assert live_plaintext not in everything and live.masked not in everything
    assert "YOUR_TOKEN" not in found["get-callback"]
    assert "/01000000003/kr/" in found["get-callback"] and "/test-never-answers" in found["get-neocallback"]


def test_the_get_examples_run_as_copied(signed_in, developer):
    found, _test_token, _live = signed_in
    assert json.loads(run(found["get-callback"])) == MAGIC_SUCCESS
    assert open_magic_requests(developer).get().message == "hello world"
    assert json.loads(run(found["get-cancel"])) == MAGIC_SUCCESS
    assert not open_magic_requests(developer).exists()
    assert json.loads(run(found["get-neocallback"])) == MAGIC_SUCCESS
    assert json.loads(run(found["get-neocancel"])) == MAGIC_SUCCESS
    assert (
        run(found["get-jsonp"]) == "/**/mycallbackfunction(" + json.dumps(MAGIC_SUCCESS, separators=(",", ":")) + ");"
    )
    # All of it in test mode: nothing reached a live subscriber.
    assert not CallRequest.objects.filter(target__is_test=False).exists()


def test_the_shell_and_python_post_samples_run_as_copied(signed_in, developer, tmp_path):
    found, _test_token, _live = signed_in
    assert json.loads(run(found["sample-shell"])) == MAGIC_SUCCESS
    assert open_magic_requests(developer).count() == 1
    assert run_file([sys.executable], "client.py", found["sample-python"], tmp_path) == "200 " + body(MAGIC_SUCCESS)


def test_the_node_sample_runs_as_copied(signed_in, developer, tmp_path):
    found, _test_token, _live = signed_in
    assert run_file(["node"], "client.js", found["sample-node"], tmp_path) == body(MAGIC_SUCCESS)
    assert open_magic_requests(developer).get().message == "hello world"


@pytest.mark.php
def test_the_seed_s_php_client_runs_as_copied_with_the_test_token(signed_in, developer, tmp_path):
    found, test_token, _live = signed_in
    assert f'$myToken = "{test_token.secret}";' in found["sample-php"]
    assert run_file(["php"], "client.php", found["sample-php"], tmp_path) == body(MAGIC_SUCCESS)
    assert open_magic_requests(developer).get().message == "hello world"


def test_the_status_example_answers_in_the_api_s_words(signed_in):
    found, _test_token, _live = signed_in
    status = [text for name, text in found.items() if "/status/" in text and text.startswith("curl")]
    assert status, "the page shows a status example"
    done = subprocess.run(["bash", "-c", status[0]], capture_output=True, text=True, timeout=30)
    assert json.loads(done.stdout) == {"result": "failed", "reason": "unknown call request"}
