"""api.clients: the client code that the docs page and the test page show, rendered, then run against a live
server in every language, action and transport, with a token of today's 32 characters and with a short legacy one."""

import ast
import re
import shutil
import subprocess
import sys

import pytest
import requests
from django.utils import translation

from accounts import token_crypto
from accounts.models import ApiToken
from accounts.restrictions import Restriction
from api import clients, protocol
from api.calls import Call, referer_host
from api.models import CallRequest
from api.protocol import ACTIONS, CALLBACK, CANCEL, GET, JSONP, NEOCALLBACK, NEOCANCEL, POST, REQUESTS, TRANSPORTS
from api.templatetags.client_code import js, php, py, sh
from lib.aes import encrypt_field
from lib.hosts import host_matches

BASE = "http://127.0.0.1:8000"
# Section C of the seed page, byte for byte: the demo target's answer to each of the four actions.
SEED_SUCCESS = '{"result":"success","opname":"SRTelecom","iso":"kr","phone_number":"01011111111"}'
LEGACY_TOKEN = "legacy1234"  # 10 bytes: zero-padded to an AES-128 key, as mcrypt did
WITHDRAWS = {CANCEL: CALLBACK, NEOCANCEL: NEOCALLBACK}
NEEDS_PHP = [pytest.mark.php, pytest.mark.skipif(not shutil.which("php"), reason="php is not installed")]
NEEDS_NODE = [pytest.mark.skipif(not shutil.which("node"), reason="Node.js is not installed")]
RUNNERS = {
    clients.CURL: (".sh", ["bash"]),
    clients.PHP: (".php", ["php", "-d", "display_errors=stderr"]),
    clients.PYTHON: (".py", [sys.executable]),
    clients.JAVASCRIPT: (".js", ["node"]),
}
NASTY = ["plain", "it's", 'say "hi"', "$HOME `id` ${x} {$y} \\n \\", "</script><b>", "안녕 / 100%", "two\nlines"]


def run(command, code, tmp_path, suffix):
    path = tmp_path / f"client{suffix}"
    path.write_text(code, encoding="utf-8")
    done = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def code_without_comments(code):
    """The code with its comments taken off (what runs must not depend on the page's language)."""
    return re.sub(r"(\s+#(?!!)| // |^// |^# |<!-- ).*$", "", code, flags=re.M)


# The quoting filters.


@pytest.mark.parametrize("value", NASTY)
def test_it_quotes_a_value_as_one_shell_word(value):
    done = subprocess.run(["bash", "-c", f"printf %s {sh(value)}"], capture_output=True, text=True, timeout=10)
    assert done.stdout == value


@pytest.mark.php
@pytest.mark.skipif(not shutil.which("php"), reason="php is not installed")
@pytest.mark.parametrize("value", NASTY)
def test_it_quotes_a_value_as_one_php_string(value):
    done = subprocess.run(["php", "-r", f"echo {php(value)};"], capture_output=True, text=True, timeout=10)
    assert done.stdout == value, done.stderr


@pytest.mark.parametrize("value", NASTY)
def test_it_quotes_a_value_as_one_python_string(value):
    assert ast.literal_eval(py(value)) == value


@pytest.mark.parametrize("value", NASTY)
def test_it_quotes_a_value_as_one_javascript_string_that_cannot_end_a_script_element(value):
    assert "<" not in js(value)
    if shutil.which("node"):
        done = subprocess.run(["node", "-e", f"process.stdout.write({js(value)})"], capture_output=True, text=True)
        assert done.stdout == value, done.stderr


# Rendering.


def test_it_writes_every_get_form_of_the_protocol_as_one_curl_line():
    for operation in protocol.GET_OPERATIONS:
        call = Call.example(operation.operation_id)
        code = clients.render(clients.CURL, call, base_url=BASE, brief=True).code
        assert code == f"curl '{BASE}{operation.path(protocol.TOKEN_PLACEHOLDER)}'"


def test_it_adds_the_jsonp_callback_to_the_get_path():
    code = clients.render(clients.CURL, Call.example(CALLBACK, JSONP), base_url=BASE, brief=True).code
    assert code == (
        f"curl '{BASE}/YOUR_TOKEN/callback/01010041004/kr/01011111111/kr/hello%20world/?callback=mycallbackfunction'"
    )


@pytest.mark.parametrize("language", clients.LANGUAGES)
def test_it_names_the_bare_domain_of_a_wildcard_host_as_the_referer(language):
    code = clients.render(language, Call.example(CALLBACK, POST), base_url=BASE, host_pattern="*.example.com").code
    assert "example.com" in code and "*." not in code and "www." not in code
    assert host_matches("*.example.com", referer_host("*.example.com"))


def test_it_brackets_an_ipv6_host_in_the_referer():
    code = clients.render(clients.PYTHON, Call.example(CALLBACK, POST), base_url=BASE, host_pattern="::1").code
    assert 'HOST = "[::1]"' in code


@pytest.mark.parametrize("language", clients.LANGUAGES)
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_it_puts_the_token_the_values_and_the_address_in_every_variant(language, transport):
    call = Call.example(NEOCALLBACK, transport, message="from the renderer")
    code = clients.render(language, call, base_url=BASE, token="cbn_the_token").code
    assert "cbn_the_token" in code and BASE in code
    assert "airpagephone" in code and re.search("from(%20| )the(%20| )renderer", code)
    assert ("mycallbackfunction" in code) == (transport == JSONP)
    assert (protocol.POST_PATH in code) == (transport == POST)


def test_it_asks_to_define_a_jsonp_callback_that_is_not_a_plain_name():
    call = Call.example(CALLBACK, JSONP, callback="app.done", message="</script><script>alert(1)</script>")
    code = clients.render(clients.JAVASCRIPT, call, base_url=BASE, token='x"y').code
    assert code.count("<script") == 2 and code.count("</script>") == 2
    assert "function " not in code and '// Define "app.done" here' in code
    assert f'<script src="{BASE}/x&quot;y/callback/' in code
    assert "%3C%2Fscript%3E" in code


@pytest.mark.parametrize("language", clients.LANGUAGES)
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_it_comments_in_the_active_language_and_codes_the_same(language, transport):
    call = Call.example(CALLBACK, transport)
    english = clients.render(language, call, base_url=BASE).code
    with translation.override("ko"):
        korean = clients.render(language, call, base_url=BASE).code
    assert not re.search("[가-힣]", english)
    assert re.search(r"(#|//|<!--) [^\n]*[가-힣]", korean)
    assert code_without_comments(korean) == code_without_comments(english)


def test_it_offers_the_php_client_the_seed_s_commented_withdrawal():
    code = clients.render(clients.PHP, Call.example(NEOCALLBACK, POST), base_url=BASE).code
    assert '\nsend_sisicallcall_service("01010041004", "kr", "airpagephone", "", "hello world", "neocallback");' in code
    assert '\n// send_sisicallcall_service("01010041004", "kr", "airpagephone", "", "", "neocancel");' in code
    cancel = clients.render(clients.PHP, Call.example(CANCEL, POST), base_url=BASE).code
    assert "// send_sisicallcall_service" not in cancel


@pytest.mark.parametrize(
    "key", ["0123456789abcdef0123456789abcdef", "0123456789abcdef01234567", "0123456789abcdef", LEGACY_TOKEN]
)
def test_it_gives_an_openssl_check_that_agrees_with_the_api(key):
    check = clients.openssl_check(key, CALLBACK)
    done = subprocess.run(["bash", "-c", check], capture_output=True, text=True, timeout=10)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.strip() == encrypt_field(key, CALLBACK)


# Every variant against the live API.


def issue(developer, monkeypatch, host, key="today", restriction=Restriction.WEBSITES):
    """The plaintext of an active token for this host: a 32-character one, or a short legacy one. Restricted to
    websites, as tokens are by default, or to servers on this machine (a GET sent by a server has no Referer)."""
    if key == "legacy":
        monkeypatch.setattr(token_crypto, "generate_token", lambda test=False: LEGACY_TOKEN)
    addresses = ["127.0.0.0/8", "::1/128"] if restriction == Restriction.SERVERS else ()
    return ApiToken.issue(developer, f"{key} token", host, restriction=restriction, addresses=addresses)[1]


def send_the_request_it_withdraws(base_url, token, action, host):
    if action in WITHDRAWS:
        path = protocol.operation(WITHDRAWS[action]).path(token)
        referer = {"Referer": f"http://{host}/"}  # as a page of the token's host sends it
        assert requests.get(base_url + path, headers=referer, timeout=10).text == SEED_SUCCESS


def assert_done(action, target):
    """A request action leaves one pending call request with the message; a withdrawal cancels it."""
    if action in REQUESTS:
        assert CallRequest.objects.pending().get(target=target).message == protocol.EXAMPLE_VALUES["message"]
    else:
        assert CallRequest.objects.get(target=target).state == CallRequest.State.CANCELLED


def variants():
    """(language, action, transport, key) of every client that runs outside a browser; the legacy key only
    changes the POST (the GET path carries the token as it is)."""
    for language in clients.LANGUAGES:
        marks = NEEDS_PHP if language == clients.PHP else NEEDS_NODE if language == clients.JAVASCRIPT else []
        for transport in TRANSPORTS:
            if (language, transport) == (clients.JAVASCRIPT, JSONP):
                continue  # a script element: run in a browser below
            for action in ACTIONS:
                for key in ("today", "legacy") if transport == POST else ("today",):
                    yield pytest.param(language, action, transport, key, marks=marks)


@pytest.mark.parametrize(("language", "action", "transport", "key"), list(variants()))
def test_it_runs_every_client_against_the_live_api(
    transactional_db, live_server, target, developer, monkeypatch, tmp_path, language, action, transport, key
):
    # The encrypted POST sends a Referer (the seed's PHP client does): a websites token, the default, takes it. A GET
    # from a server has none: it needs a token restricted to the server's addresses.
    restriction = Restriction.WEBSITES if transport == POST else Restriction.SERVERS
    token = issue(developer, monkeypatch, "example.com", key, restriction)
    send_the_request_it_withdraws(live_server.url, token, action, "example.com")
    snippet = clients.render(
        language, Call.example(action, transport), base_url=live_server.url, token=token, host_pattern="example.com"
    )
    suffix, command = RUNNERS[language]
    output = run(command, snippet.code, tmp_path, suffix)
    expected = f"/**/{protocol.EXAMPLE_JSONP_CALLBACK}({SEED_SUCCESS});" if transport == JSONP else SEED_SUCCESS
    if language == clients.PYTHON:
        expected = f"200 {expected}"  # Python's client prints the status first
    assert output.removesuffix("\n") == expected
    assert_done(action, target)


@pytest.fixture
def scripted_page(chromium, live_server):
    """A page on the live server's host that may run pasted code (the site's CSP forbids inline script)."""
    context = chromium.new_context(locale="en-US", base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/")
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("transport", [GET, JSONP])
@pytest.mark.parametrize("action", ACTIONS)
def test_it_runs_the_browser_clients_in_a_page_on_the_token_s_host(
    transactional_db, live_server, target, developer, monkeypatch, scripted_page, action, transport
):
    token = issue(developer, monkeypatch, "localhost")  # restricted to websites: the page names its host
    send_the_request_it_withdraws(live_server.url, token, action, "localhost")
    code = clients.render(
        clients.JAVASCRIPT, Call.example(action, transport), base_url=live_server.url, token=token
    ).code
    with scripted_page.expect_console_message(predicate=lambda message: message.type == "log") as message:
        if transport == JSONP:
            scripted_page.set_content(code)  # the snippet is markup: a page of its own
        else:
            scripted_page.add_script_tag(content=code)
    assert message.value.text == SEED_SUCCESS
    assert_done(action, target)
