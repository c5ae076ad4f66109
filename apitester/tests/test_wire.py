"""The wire format of the test page: URLs that stay on the API base, and the seed's encrypted POST."""

import json
from urllib.parse import unquote, urlsplit

import pytest

from apitester import wire
from lib.aes import decrypt_field

TOKEN = "cbn_0123456789abcdefghijklmnopqr"
BASE = wire.Base.parse("http://127.0.0.1:8000")
NASTY = [
    "../../admin/",
    "..",
    ".",
    "@evil.com",
    "//evil.com/x",
    "http://evil.com/",
    "?callback=x",
    "#fragment",
    "a\r\nHost: evil.com",
    "\\\\evil.com\\x",
    "%2e%2e%2f",
    "．．／",
    ":80@evil.com",
    " ",
    "안녕 /",
]


def call(**overrides):
    fields = dict(
        action="callback",
        transport="get",
        my_number="01010041004",
        my_iso="kr",
        target="01011111111",
        target_iso="kr",
        message="hello world",
        callback="cb",
    )
    fields.update(overrides)
    return wire.Call(**fields)


@pytest.mark.parametrize("value", NASTY)
def test_it_keeps_any_input_inside_one_path_segment(value):
    url = BASE.join([value, "callback", value])
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.port) == ("http", "127.0.0.1", 8000)
    assert BASE.owns(url)
    assert not parts.query and not parts.fragment
    segments = parts.path.split("/")[1:]
    assert [unquote(s) for s in segments] == [value, "callback", value]
    assert all(s not in (".", "..") for s in segments)
    assert "\r" not in url and "\n" not in url and " " not in url


def test_it_refuses_an_empty_segment():
    with pytest.raises(ValueError):
        BASE.join(["token", "", "x"])


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com", "http://", "http://user:pw@example.com", "http://example.com/?x=1", "example.com", ""],
)
def test_it_refuses_a_base_that_is_not_a_plain_http_url(url):
    with pytest.raises(wire.BadBaseURL):
        wire.Base.parse(url)


def test_it_keeps_a_base_path_and_default_port():
    base = wire.Base.parse("https://API.example.com/prefix/")
    assert base.url == "https://api.example.com/prefix"
    assert base.port == 443
    assert base.owns("https://api.example.com:443/x")
    assert not base.owns("http://api.example.com/x")
    assert not base.owns("https://api.example.com.evil.com/x")


def test_it_builds_the_seed_get_url_for_each_action():
    assert wire.build(call(), TOKEN, BASE).url == (
        f"http://127.0.0.1:8000/{TOKEN}/callback/01010041004/kr/01011111111/kr/hello%20world"
    )
    neo = call(action="neocallback", target="airpagephone", target_iso="")
    assert wire.build(neo, TOKEN, BASE).url.endswith("/neocallback/01010041004/kr/airpagephone/hello%20world")
    assert wire.build(call(action="cancel"), TOKEN, BASE).url.endswith("/cancel/01010041004/kr/01011111111/kr")
    neocancel = call(action="neocancel", target="airpagephone", target_iso="")
    assert wire.build(neocancel, TOKEN, BASE).url.endswith("/neocancel/01010041004/kr/airpagephone")


def test_it_adds_the_jsonp_callback_as_the_seed_shows():
    outgoing = wire.build(call(transport="jsonp", callback="app.on_done"), TOKEN, BASE)
    assert outgoing.url.endswith("/kr/hello%20world/?callback=app.on_done")
    assert outgoing.method == "GET" and not outgoing.body


@pytest.mark.parametrize(
    "message, sent",
    [("", '""'), ('"quoted"', '""quoted""'), ("ends/", '"ends/"'), ("plain", "plain"), ('"half', '"half')],
)
def test_it_quotes_a_message_the_api_would_otherwise_alter(message, sent):
    url = wire.build(call(message=message), TOKEN, BASE).url
    assert unquote(url.rsplit("/", 1)[1]) == sent


def test_it_builds_the_seed_clients_encrypted_post():
    outgoing = wire.build(
        call(transport="post", message="안녕하세요"), TOKEN, BASE, "*.example.com", foot=1700000000000
    )
    assert outgoing.method == "POST"
    assert outgoing.url == "http://127.0.0.1:8000/callback/callback_api.php"
    headers = dict(outgoing.headers)
    assert headers["Referer"] == "http://example.com/"
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Length"] == str(len(outgoing.body))
    assert headers["Host"] == "127.0.0.1:8000"
    body = json.loads(outgoing.body)
    assert list(body) == ["myaction", "mymsg", "iso", "phonenumber", "myiso", "myphonenumber", "mytoken", "foot"]
    assert b"\\/" in outgoing.body or b"/" not in outgoing.body  # PHP's json_encode escapes "/"
    plain = {name: decrypt_field(TOKEN, value) for name, value in body.items()}
    assert plain == {
        "myaction": "callback",
        "mymsg": "안녕하세요",
        "iso": "kr",
        "phonenumber": "01011111111",
        "myiso": "kr",
        "myphonenumber": "01010041004",
        "mytoken": TOKEN,
        "foot": "1700000000000",
    }
    assert [(f.name, f.plaintext) for f in outgoing.fields] == list(plain.items())


def test_it_sends_the_target_id_as_phonenumber_for_the_neo_actions():
    neo = call(action="neocancel", transport="post", target="airpagephone", target_iso="")
    fields = {f.name: f.plaintext for f in wire.build(neo, TOKEN, BASE, "example.com").fields}
    assert (fields["myaction"], fields["phonenumber"], fields["iso"], fields["mymsg"]) == (
        "neocancel",
        "airpagephone",
        "",
        "",
    )


def exchange(body, status=200):
    return wire.Exchange(wire.build(call(), TOKEN, BASE), status=status, reason="OK", body=body)


def test_it_reads_a_json_answer():
    answer = exchange(b'{"result":"failed","reason":"unknown token"}', 401)
    assert answer.document == ("json", {"result": "failed", "reason": "unknown token"})
    assert answer.outcome == "failed"
    assert '"reason": "unknown token"' in answer.pretty


def test_it_reads_a_jsonp_answer():
    answer = exchange(b'/**/cb({"result":"success","iso":"kr"});')
    assert answer.document == ("jsonp", {"result": "success", "iso": "kr"})
    assert answer.jsonp_name == "cb"
    assert answer.outcome == "success"


@pytest.mark.parametrize("body", [b"<html>Bad gateway</html>", b"", b"\xff\xfe{", b'{"no":"result"}', b"[1,2]"])
def test_it_calls_anything_else_not_json(body):
    answer = exchange(body, 502)
    assert answer.outcome == "not_json"
    assert answer.result == ""


def test_it_shows_bytes_that_are_not_utf8_as_escapes():
    assert exchange(b"ok \xff\xfe").body_text == "ok \\xff\\xfe"
