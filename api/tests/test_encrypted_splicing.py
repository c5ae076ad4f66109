"""The encrypted POST against splicing: each field is encrypted on its own, so a captured request's field can
be swapped for the same field of another captured request. A foot is usable once per token, whatever else."""

import json

import pytest

from api.models import CallRequest, SeenRequest
from tests.helpers import SEED_SUCCESS, TARGET_NUMBER, failed, now_millis, seed_body

pytestmark = pytest.mark.django_db
URL = "/callback/callback_api.php"
OTHER_REQUESTER = "01010041005"


def post(client, body):
    response = client.post(URL, body, content_type="application/json", headers={"Referer": "http://example.com/"})
    return response.status_code, json.loads(response.content)


def spliced(fresh, older, *names):
    """The fresh captured body with the named fields taken from an older captured body."""
    body = json.loads(fresh)
    body.update({name: json.loads(older)[name] for name in names})
    return json.dumps(body)


@pytest.fixture
def captured(client, value, target):
    """(an older cancel, a fresh callback) an eavesdropper captured; the callback went through."""
    older_cancel = seed_body(value, action="cancel", foot=now_millis() - 60_000)
    fresh_callback = seed_body(value, msg="please call", foot=now_millis())
    assert post(client, fresh_callback) == (200, SEED_SUCCESS)
    return older_cancel, fresh_callback


def test_it_refuses_a_captured_callback_turned_into_a_cancel(client, captured, pending):
    older_cancel, fresh_callback = captured

    assert post(client, spliced(fresh_callback, older_cancel, "myaction", "mymsg")) == (409, failed("replayed request"))
    assert pending.get().message == "please call"


@pytest.mark.parametrize("field", ["phonenumber", "myphonenumber", "myiso", "iso"])
def test_it_refuses_a_captured_callback_with_a_party_swapped(client, value, target, captured, field):
    _older, fresh_callback = captured
    elsewhere = seed_body(value, phonenumber="01011112222", myphonenumber=OTHER_REQUESTER, iso="us", myiso="us")

    assert post(client, spliced(fresh_callback, elsewhere, field)) == (409, failed("replayed request"))
    assert list(CallRequest.objects.values_list("requester_number", "target__number")) == [
        ("+821010041004", "+82" + TARGET_NUMBER[1:])
    ]


def test_it_accepts_each_foot_of_a_token_once_whatever_the_other_fields(client, value, target):
    foot = now_millis()
    assert post(client, seed_body(value, action="cancel", foot=foot)) == (409, failed("nothing pending to cancel"))

    assert post(client, seed_body(value, msg="new", myphonenumber=OTHER_REQUESTER, foot=foot)) == (
        409,
        failed("replayed request"),
    )
    assert not CallRequest.objects.exists()
    assert SeenRequest.objects.count() == 1


def test_it_still_accepts_a_new_foot_from_the_same_client(client, value, target, pending):
    foot = now_millis()
    assert post(client, seed_body(value, msg="one", foot=foot)) == (200, SEED_SUCCESS)
    assert post(client, seed_body(value, msg="two", foot=foot + 1)) == (200, SEED_SUCCESS)

    assert pending.get().message == "two"


def test_it_takes_a_parallel_senders_second_request_only_on_a_millisecond_of_its_own(client, value, target):
    """Two different legitimate callbacks in one millisecond: the second is refused as a replay would be (a splice
    cannot be told from it), and passes with the next millisecond, as the docs tell a parallel sender to do."""
    foot = now_millis()
    first = seed_body(value, msg="one", foot=foot)
    second = seed_body(value, msg="two", myphonenumber=OTHER_REQUESTER, foot=foot)
    assert post(client, first) == (200, SEED_SUCCESS)

    assert post(client, second) == (409, failed("replayed request"))
    assert post(client, seed_body(value, msg="two", myphonenumber=OTHER_REQUESTER, foot=foot + 1)) == (
        200,
        SEED_SUCCESS,
    )
    assert sorted(CallRequest.objects.values_list("message", flat=True)) == ["one", "two"]
