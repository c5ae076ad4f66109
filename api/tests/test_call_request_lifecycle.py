"""A call request's life: pending → delivered → seen → answered or declined; cancelled or expired before an
answer. Each change recorded once, in order, with its time; a change no longer possible is refused."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.models import CallRequest, InvalidTransition
from lib.phones import normalise
from tests.helpers import REQUESTER

pytestmark = pytest.mark.django_db
S = CallRequest.State


@pytest.fixture
def call_request(target, token):
    return CallRequest.request_call(REQUESTER, target, "please call", token)[0]


def states(call_request):
    return [state for state, _at in CallRequest.objects.get(pk=call_request.pk).history()]


def test_it_starts_pending_with_an_opaque_id(call_request, target, token):
    other = CallRequest.request_call(normalise("01010041005", "kr"), target, "x", token)[0]

    assert call_request.state == S.PENDING
    assert call_request.public_id.startswith("cr_") and len(call_request.public_id) == 25
    assert call_request.public_id[3:].isalnum() and other.public_id != call_request.public_id
    assert states(call_request) == ["pending"]


def test_it_goes_the_whole_way_to_answered_recording_each_change_in_order(call_request):
    assert call_request.mark_delivered() is True
    assert call_request.mark_seen() is True
    assert call_request.answer() is True

    history = CallRequest.objects.get(pk=call_request.pk).history()
    assert [state for state, _at in history] == ["pending", "delivered", "seen", "answered"]
    times = [at for _state, at in history]
    assert times == sorted(times)
    assert CallRequest.objects.get(pk=call_request.pk).state == S.ANSWERED


def test_it_can_be_declined_once_seen(call_request):
    call_request.mark_delivered()
    call_request.mark_seen()
    call_request.decline()

    assert states(call_request) == ["pending", "delivered", "seen", "declined"]


@pytest.mark.parametrize("opened", [[], ["mark_delivered"], ["mark_delivered", "mark_seen"]])
@pytest.mark.parametrize("ending", ["answer", "decline"])
def test_it_takes_an_answer_from_any_open_state(call_request, opened, ending):
    for step in opened:
        getattr(call_request, step)()

    assert getattr(call_request, ending)() is True
    assert CallRequest.objects.get(pk=call_request.pk).state == {"answer": S.ANSWERED, "decline": S.DECLINED}[ending]


@pytest.mark.parametrize("closing", [S.ANSWERED, S.DECLINED, S.CANCELLED, S.EXPIRED])
@pytest.mark.parametrize("attempt", ["answer", "decline", "mark_seen"])
def test_it_refuses_a_change_once_the_request_is_closed(call_request, closing, attempt):
    call_request.change_to(closing)

    with pytest.raises(InvalidTransition) as refused:
        getattr(call_request, attempt)()

    assert str(refused.value) == f"call request is {closing}"
    assert states(call_request) == ["pending", closing]


def test_it_refuses_a_change_another_process_made_impossible(call_request, target):
    elsewhere = CallRequest.objects.get(pk=call_request.pk)
    elsewhere.change_to(S.CANCELLED)

    with pytest.raises(InvalidTransition, match="call request is cancelled"):
        call_request.answer()
    assert call_request.state == S.CANCELLED
    assert states(call_request) == ["pending", "cancelled"]


def test_it_records_delivery_once_and_never_goes_back(call_request):
    assert call_request.mark_delivered() is True
    assert call_request.mark_delivered() is False
    call_request.mark_seen()

    assert call_request.mark_delivered() is False
    assert call_request.mark_seen() is False
    assert states(call_request) == ["pending", "delivered", "seen"]


def test_it_cancels_an_open_request_through_the_api_s_cancel(call_request, target, token):
    call_request.mark_delivered()

    assert CallRequest.cancel_open(REQUESTER, target, token) == call_request
    assert states(call_request) == ["pending", "delivered", "cancelled"]


def test_it_refreshes_a_delivered_request_instead_of_sending_a_second(call_request, target, token):
    call_request.mark_delivered()

    again, created = CallRequest.request_call(REQUESTER, target, "call me now", token)

    assert (again.pk, created, again.message) == (call_request.pk, False, "call me now")
    assert CallRequest.objects.get(pk=call_request.pk).state == S.DELIVERED


def test_it_sends_a_new_request_once_the_last_one_was_answered(call_request, target, token):
    call_request.answer()

    again, created = CallRequest.request_call(REQUESTER, target, "again", token)

    assert created is True and again.pk != call_request.pk


def test_it_expires_due_requests_on_time_with_the_command(call_request, target, token):
    seen = CallRequest.request_call(normalise("01010041005", "kr"), target, "seen", token)[0]
    seen.mark_seen()
    answered = CallRequest.request_call(normalise("01010041006", "kr"), target, "answered", token)[0]
    answered.answer()
    CallRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    call_command("expire_call_requests", stdout=io.StringIO())

    assert states(call_request) == ["pending", "expired"]
    assert states(seen) == ["pending", "seen", "expired"]
    assert states(answered) == ["pending", "answered"]


def test_it_expires_a_due_request_it_finds_when_the_same_call_comes_again(call_request, target, token):
    CallRequest.objects.filter(pk=call_request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    again, created = CallRequest.request_call(REQUESTER, target, "again", token)

    assert created is True
    assert states(call_request) == ["pending", "expired"]
