import json

import pytest

from api.wire import decode_path_message, is_valid_callback_name, json_body, jsonp_body
from lib.text import has_control_characters


@pytest.mark.parametrize(
    "text, message",
    [
        ('"hello world"', "hello world"),
        ("hello world", "hello world"),
        ('""', ""),
        ('"', '"'),
        ('""quoted twice""', '"quoted twice"'),
        ('say "hi"', 'say "hi"'),
        ('"a/b"', "a/b"),
    ],
)
def test_it_strips_one_surrounding_pair_of_quotes(text, message):
    assert decode_path_message(text) == message


@pytest.mark.parametrize(
    "text, message",
    [
        # Bytes that were not UTF-8, as the server hands them on: lone surrogates, which the message check refuses.
        ("%FF%FE", "\udcff\udcfe"),
        ('"caf%E9"', "caf\udce9"),
        # Text: "%" signs that do not spell bytes that are not UTF-8 stay as they are.
        ("100% %E2%82%AC %zz", "100% %E2%82%AC %zz"),
    ],
)
def test_it_tells_bytes_that_are_not_utf8_from_text(text, message):
    assert decode_path_message(text) == message
    assert has_control_characters(message) is (message != text.strip('"'))


@pytest.mark.parametrize(
    "text, found", [("plain 한국어", False), ("tab\t", True), ("nul\x00", True), ("del\x7f", True)]
)
def test_it_finds_control_characters(text, found):
    assert has_control_characters(text) is found


@pytest.mark.parametrize("name", ["cb", "mycallbackfunction", "$", "_x1", "app.on_done", "jQuery123_456", "a" * 64])
def test_it_accepts_javascript_identifier_paths(name):
    assert is_valid_callback_name(name)


@pytest.mark.parametrize(
    "name", ["", "1a", "a.", ".a", "a..b", "a b", "a(1)", "a;b", "a[0]", "a-b", "a" * 65, "é", None, "a\nb"]
)
def test_it_refuses_anything_else(name):
    assert not is_valid_callback_name(name)


def test_it_writes_compact_json_in_the_given_order():
    assert json_body({"result": "success", "opname": "한국"}) == '{"result":"success","opname":"한국"}'


def test_it_wraps_json_in_a_call_and_escapes_line_separators():
    body = jsonp_body("cb", {"reason": "a\u2028b\u2029c"})

    assert body == '/**/cb({"reason":"a\\u2028b\\u2029c"});'
    assert json.loads(body[len("/**/cb(") : -2]) == {"reason": "a\u2028b\u2029c"}
