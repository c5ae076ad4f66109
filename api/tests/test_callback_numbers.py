"""The callback number ("my number") a call request asks the target to dial: never one that charges the caller,
and one of the token's allowed callback numbers where it lists them (api.guards)."""

import pytest

from api.models import ApiRequestLog, CallRequest
from tests.helpers import SEED_SUCCESS, failed

pytestmark = pytest.mark.django_db


def callback(client, value, my_number, my_iso="kr"):
    response = client.get(f"/{value}/callback/{my_number}/{my_iso}/01011111111/kr/hi")
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("number", "iso"),
    [("900-234-5678", "us"), ("060-612-3456", "kr"), ("0845 123 4567", "gb"), ("0810 12 34 56", "fr")],
    ids=["us-premium-900", "kr-060", "gb-shared-cost", "fr-shared-cost"],
)
def test_it_refuses_a_number_that_charges_whoever_dials_it(client, token, value, target, number, iso):
    assert callback(client, value, number, iso) == (400, failed("callback number charges the caller"))
    assert not CallRequest.objects.exists()
    assert ApiRequestLog.objects.for_token(token).get().reason == "callback number charges the caller"


def test_it_still_refuses_a_number_that_is_not_valid_as_before(client, value, target):
    assert callback(client, value, "0101234") == (400, failed("invalid number"))


def test_it_takes_only_the_tokens_allowed_callback_numbers(client, token, value, target):
    token.set_callback_numbers(["+821010041004", "+8210555*"])

    assert callback(client, value, "010-1004-1004") == (200, SEED_SUCCESS)
    assert callback(client, value, "010-5551-2345") == (200, SEED_SUCCESS)
    assert callback(client, value, "010-2222-3333") == (403, failed("callback number not allowed"))
    assert CallRequest.objects.count() == 2


def test_it_lets_a_cancel_withdraw_whatever_number_it_sent(client, token, value, target):
    assert callback(client, value, "010-2222-3333")[0] == 200
    token.set_callback_numbers(["+821010041004"])

    response = client.get(f"/{value}/cancel/010-2222-3333/kr/01011111111/kr")
    assert response.json() == SEED_SUCCESS
