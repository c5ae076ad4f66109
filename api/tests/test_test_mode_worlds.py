"""Test mode's two worlds never touch: every token kind × subscriber kind × action × transport.

A live token reaches live subscribers only; a test token reaches the magic numbers and its own developer's test
phones only. Across the worlds the answer is the exact refusal and no call request is created or cancelled; a
cancel is tried on an open request made first by a token that may reach its target.
"""

import json

import pytest

from accounts.models import ApiToken
from api import reasons, testmode
from api.models import CallRequest, Subscriber
from tests.helpers import MY_ISO, MY_NUMBER, failed, seed_body

pytestmark = pytest.mark.django_db
POST_URL = "/callback/callback_api.php"
JSONP = "cb"
BY_NUMBER = {"callback": True, "cancel": True, "neocallback": False, "neocancel": False}
CALLBACK_OF = {"cancel": "callback", "neocancel": "neocallback"}


@pytest.fixture
def tokens(developer, outsider, issued):
    """(token, plaintext) by kind: the developer's live and test tokens and the outsider's test token, all for
    example.com (an encrypted POST finds its token among the host's)."""
    return {
        "live": issued,
        "test": ApiToken.issue(developer, "Test", "example.com", test=True),
        "outsider_test": ApiToken.issue(outsider, "Their test", "example.com", test=True),
    }


@pytest.fixture
def subscribers(target, developer, outsider):
    """The subscriber of each kind: a live one (the seed's demo target), a magic outcome's, the developer's own test
    phone and another developer's."""
    return {
        "live": target,
        "magic": Subscriber.magic(testmode.OUTCOMES[0]),
        "own_phone": Subscriber.create_test_phone(developer),
        "their_phone": Subscriber.create_test_phone(outsider),
    }


# Which token's callback opens the request a cancel of the other world then tries.
OPENER = {"live": "live", "magic": "test", "own_phone": "test", "their_phone": "outsider_test"}
# The refusal each world gives the other's subscribers (None: it reaches them).
REFUSAL = {
    ("live", "live"): None,
    ("live", "magic"): (reasons.LIVE_TOKEN_TEST_TARGET, reasons.LIVE_TOKEN_TEST_TARGET),
    ("live", "own_phone"): (reasons.LIVE_TOKEN_TEST_TARGET, reasons.LIVE_TOKEN_TEST_TARGET),
    ("live", "their_phone"): (reasons.LIVE_TOKEN_TEST_TARGET, reasons.LIVE_TOKEN_TEST_TARGET),
    ("test", "live"): (reasons.TEST_TOKEN_LIVE_TARGET, reasons.TEST_TOKEN_LIVE_TARGET),
    ("test", "magic"): None,
    ("test", "own_phone"): None,
    # Another developer's test phone is not theirs to reach, nor to learn of: as if it did not exist.
    ("test", "their_phone"): (reasons.TARGET_NOT_REGISTERED, reasons.TARGET_ID_NOT_REGISTERED),
}


def compact(payload):
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def send(client, transport, plaintext, action, target, message="hello"):
    """One call of `action` to `target` (a number or an ID) over a transport: (status, body bytes, payload)."""
    by_number = BY_NUMBER[action]
    if transport == "post":
        body = seed_body(plaintext, action=action, msg=message, phonenumber=target, iso="kr" if by_number else "")
        response = client.post(
            POST_URL, body, content_type="application/json", headers={"Referer": "http://example.com/"}
        )
    else:
        parts = [plaintext, action, MY_NUMBER, MY_ISO, target] + (["kr"] if by_number else [])
        if action in CALLBACK_OF.values():
            parts.append(message)
        path = "/" + "/".join(parts)
        response = client.get(path, {"callback": JSONP} if transport == "jsonp" else {})
    return response.status_code, response.content


def target_of(subscriber, action):
    return subscriber.national_number if BY_NUMBER[action] else subscriber.public_id


def expected(transport, payload, status):
    """The status and the exact body a transport answers a payload with (JSONP: always 200, a script)."""
    if transport == "jsonp":
        return 200, b"/**/" + JSONP.encode() + b"(" + compact(payload) + b");"
    return status, compact(payload)


def success(subscriber):
    """The success answer (the targets are sent as registered, so by number and by ID answer alike)."""
    return {
        "result": "success",
        "opname": subscriber.operator,
        "iso": "kr",
        "phone_number": subscriber.national_number,
    }


def snapshot():
    return list(CallRequest.objects.order_by("pk").values_list("pk", "target_id", "token_id", "state"))


TRANSPORTS = ["get", "jsonp", "post"]
ACTIONS = ["callback", "neocallback", "cancel", "neocancel"]


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("subscriber_kind", ["live", "magic", "own_phone", "their_phone"])
@pytest.mark.parametrize("token_kind", ["live", "test"])
def test_it_keeps_the_two_worlds_apart(client, tokens, subscribers, token_kind, subscriber_kind, action, transport):
    token, plaintext = tokens[token_kind]
    subscriber = subscribers[subscriber_kind]
    target = target_of(subscriber, action)
    if action in CALLBACK_OF:  # the matching callback first, by a token that reaches the target
        opener_token, opener_plaintext = tokens[OPENER[subscriber_kind]]
        opened = send(client, "get", opener_plaintext, CALLBACK_OF[action], target)
        assert opened == expected("get", success(subscriber), 200)
    before = snapshot()

    answer = send(client, transport, plaintext, action, target)

    refusal = REFUSAL[(token_kind, subscriber_kind)]
    if refusal is None:
        assert answer == expected(transport, success(subscriber), 200)
        mine = CallRequest.objects.get(target=subscriber, token=token)
        wanted = CallRequest.State.CANCELLED if action in CALLBACK_OF else CallRequest.State.PENDING
        assert mine.state == wanted
    else:
        reason = refusal[0] if BY_NUMBER[action] else refusal[1]
        assert answer == expected(transport, failed(reason.text), reason.status)
        assert snapshot() == before  # nothing created, nothing cancelled
        assert not CallRequest.objects.filter(token=token).exists()


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("action", ACTIONS)
def test_it_tells_a_test_token_only_that_an_unknown_target_is_outside_test_mode(
    client, tokens, target, transport, action
):
    """Not "not registered": a test token needs no approval and must not learn who is a CallbackNow user."""
    _token, plaintext = tokens["test"]
    unknown = "01099999999" if BY_NUMBER[action] else "nobody.here"

    answer = send(client, transport, plaintext, action, unknown)

    reason = reasons.TEST_TOKEN_LIVE_TARGET
    assert answer == expected(transport, failed(reason.text), reason.status)
    assert not CallRequest.objects.exists()


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("action", ACTIONS)
def test_it_tells_a_live_token_that_the_reserved_range_is_test_mode(client, tokens, transport, action):
    """A number of the reserved range (or a test- ID) no one holds: still the test world's, not "not registered"."""
    _token, plaintext = tokens["live"]
    unused = testmode.national("+821000050000") if BY_NUMBER[action] else "test-nobody"

    answer = send(client, transport, plaintext, action, unused)

    reason = reasons.LIVE_TOKEN_TEST_TARGET
    assert answer == expected(transport, failed(reason.text), reason.status)
    assert not CallRequest.objects.exists()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_it_refuses_a_live_token_each_magic_number_and_id(client, tokens, transport):
    _token, plaintext = tokens["live"]
    reason = reasons.LIVE_TOKEN_TEST_TARGET
    targets = [("callback", failure.national_number) for failure in testmode.FAILURES]
    targets += [("callback", outcome.national_number) for outcome in testmode.OUTCOMES]
    targets += [("neocallback", outcome.public_id) for outcome in testmode.OUTCOMES]
    targets += [("neocallback", testmode.UNREGISTERED_ID)]

    for action, magic in targets:
        assert send(client, transport, plaintext, action, magic) == expected(
            transport, failed(reason.text), reason.status
        ), magic
    assert not CallRequest.objects.exists()
    assert not Subscriber.objects.exists()  # not even a magic number's subscriber


def test_it_never_plays_a_magic_number_to_a_live_subscriber_holding_it(client, tokens):
    """A live subscriber registered in the reserved range before test mode existed (no check refused it then)."""
    answered = testmode.OUTCOMES[0]
    live = Subscriber.objects.create(number=answered.number, country="KR", operator="SKT")
    _token, plaintext = tokens["test"]

    answer = send(client, "get", plaintext, "callback", answered.national_number)

    assert answer == expected("get", failed(reasons.SERVICE_UNAVAILABLE.text), reasons.SERVICE_UNAVAILABLE.status)
    assert not live.call_requests.exists()
