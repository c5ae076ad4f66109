"""The device API's JSON for a subscriber and a call request: one place, read by every endpoint."""

from lib import phones
from lib.times import history_for_json, iso_time


def subscriber(subscriber):
    return {
        "number": subscriber.number,
        "national_number": subscriber.national_number,
        "country": subscriber.country,
        "operator": subscriber.operator,
        "public_id": subscriber.public_id,
        "test": subscriber.is_test,
    }


def call_request(call_request):
    return {
        "id": call_request.public_id,
        "state": call_request.state,
        "requester": {
            "number": call_request.requester_number,
            "national_number": phones.national_digits(call_request.requester_number),
            "country": call_request.requester_country,
        },
        "message": call_request.message,
        "created_at": iso_time(call_request.created_at),
        "updated_at": iso_time(call_request.updated_at),
        "expires_at": iso_time(call_request.expires_at),
        "history": history_for_json(call_request.history()),
    }
