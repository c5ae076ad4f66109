"""The test page's send limits: per visitor address and per account a minute, and sends at once per server process.

Each send holds a server thread while it calls the API back: without limits a few anonymous loops hold every
worker and the API itself stops answering (tests/production/test_stall.py shows it on the production server).
"""

import re
import threading
import time
from html import unescape

import pytest
from django.test import Client, override_settings

from tests.helpers import form_data

pytestmark = pytest.mark.usefixtures("clear_of_a_minute_s_end")

VISITOR_LIMIT = 3
DEVELOPER_LIMIT = 4


@pytest.fixture(autouse=True)
def limits(settings, answering_server):
    settings.API_TESTER_SENDS_PER_VISITOR_PER_MINUTE = VISITOR_LIMIT
    settings.API_TESTER_SENDS_PER_DEVELOPER_PER_MINUTE = DEVELOPER_LIMIT
    settings.API_TESTER_SENDS_IN_FLIGHT = 1
    body = b'{"result":"failed","reason":"unknown token"}'
    settings.API_BASE_URL = answering_server(401, [("Content-Type", "application/json")], body)


def send(client, address="203.0.113.5", language="en", **fields):
    data = form_data(pasted_token="mytokentoken", **fields) if "token" not in fields else form_data(**fields)
    response = client.post("/tester/", data, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def refusal(html):
    """The form's error above its fields, or None."""
    match = re.search(r'<ul class="errorlist nonfield">\s*<li>(.*?)</li>', html, re.S)
    return unescape(match.group(1)) if match else None


def test_it_refuses_a_visitors_sends_beyond_the_limit_with_a_form_error(client, db, sent_urls):
    pages = [send(client) for _ in range(VISITOR_LIMIT + 2)]

    assert len(sent_urls) == VISITOR_LIMIT
    assert [refusal(page) for page in pages[:VISITOR_LIMIT]] == [None] * VISITOR_LIMIT
    message = refusal(pages[-1])
    assert message.startswith("Your address has sent 3 test requests this minute, the most it may without signing in.")
    assert "Try again in" in message and 'data-outcome="' not in pages[-1]


def test_it_says_so_in_korean(client, db, sent_urls):
    for _ in range(VISITOR_LIMIT):
        send(client)

    message = refusal(send(client, language="ko"))

    assert message.startswith("이 주소에서 이번 1분 동안 테스트 요청을 3번 보냈습니다")
    assert len(sent_urls) == VISITOR_LIMIT


def test_it_counts_each_visitor_by_address(client, db, sent_urls):
    for _ in range(VISITOR_LIMIT):
        send(client, address="203.0.113.5")

    assert refusal(send(Client(), address="198.51.100.7")) is None
    assert len(sent_urls) == VISITOR_LIMIT + 1


def test_it_does_not_count_a_form_that_was_not_sent(client, db, sent_urls):
    for _ in range(VISITOR_LIMIT + 2):
        send(client, my_number="")  # required: shown beside its field, nothing sent

    assert refusal(send(client)) is None
    assert len(sent_urls) == 1


def test_it_limits_a_developer_by_account_wherever_they_send_from(owner_client, developer, issued, sent_urls):
    other_machine = Client()
    other_machine.force_login(developer)
    token = issued[0].pk
    for n in range(DEVELOPER_LIMIT):
        assert refusal(send(owner_client if n % 2 else other_machine, address=f"198.51.100.{n}", token=token)) is None

    message = refusal(send(owner_client, address="192.0.2.99", token=token))

    assert message.startswith("Your account has sent 4 test requests this minute, the most it may.")
    assert len(sent_urls) == DEVELOPER_LIMIT
    korean = refusal(send(other_machine, language="ko", token=token))
    assert korean.startswith("이 계정으로 이번 1분 동안 테스트 요청을 4번 보냈습니다")


def test_it_refuses_at_once_a_send_while_this_process_already_waits_on_one(
    transactional_db, settings, silent_server, sent_urls
):
    settings.API_BASE_URL, settings.API_TESTER_TIMEOUT_SECONDS = silent_server, 3
    waiting = threading.Thread(target=send, args=(Client(),), kwargs={"address": "198.51.100.1"})
    waiting.start()
    while not sent_urls:
        time.sleep(0.01)

    started = time.monotonic()
    message = refusal(send(Client(), address="198.51.100.2"))
    seconds = time.monotonic() - started
    waiting.join()

    assert message == "The test page is busy sending other requests on this server. Try again in a moment."
    assert seconds < 1
    assert len(sent_urls) == 1
    assert refusal(send(Client(), address="198.51.100.2")) is None  # the slot is free again


def test_it_still_counts_a_visitors_sends_while_redis_is_down(client, db, sent_urls, unreachable_redis):
    """Counted as the API's limits are: per process while the cache does not answer, not a server error."""
    with override_settings(CACHES=unreachable_redis):
        pages = [send(client) for _ in range(VISITOR_LIMIT + 1)]

    assert [refusal(page) for page in pages[:VISITOR_LIMIT]] == [None] * VISITOR_LIMIT
    assert refusal(pages[-1]).startswith("Your address has sent 3 test requests this minute")
    assert len(sent_urls) == VISITOR_LIMIT
