"""Fixtures of the API's tests: the seed's demo target, callers' tokens and the encrypted POST body."""

import json
import time

import pytest

from api import demo
from api.models import CallRequest, Subscriber
from lib.aes import encrypt_field

MY_NUMBER, MY_ISO = "01010041004", "kr"
TARGET_NUMBER, TARGET_ISO, TARGET_ID, OPERATOR = "01011111111", "kr", "airpagephone", "SRTelecom"
SEED_SUCCESS = {"result": "success", "opname": "SRTelecom", "iso": "kr", "phone_number": "01011111111"}
SEED_NOT_REGISTERED = {"result": "failed", "reason": "target number is not registered to callbacknow"}


@pytest.fixture
def target(db):
    """The seed's demo target, registered as the demo data does."""
    demo.load(None)
    return Subscriber.objects.get(public_id=TARGET_ID)


@pytest.fixture
def token(issued):
    return issued[0]


@pytest.fixture
def value(issued):
    """The plaintext of the developer's active token for example.com."""
    return issued[1]


def now_millis():
    return int(time.time() * 1000)


def seed_body(
    key,
    action="callback",
    msg="hello",
    iso=TARGET_ISO,
    phonenumber=TARGET_NUMBER,
    myiso=MY_ISO,
    myphonenumber=MY_NUMBER,
    mytoken=None,
    foot=None,
):
    """The JSON body the seed's PHP client sends: every field encrypted under the token."""
    fields = {
        "myaction": action,
        "mymsg": msg,
        "iso": iso,
        "phonenumber": phonenumber,
        "myiso": myiso,
        "myphonenumber": myphonenumber,
        "mytoken": key if mytoken is None else mytoken,
        "foot": str(now_millis() if foot is None else foot),
    }
    return json.dumps({name: encrypt_field(key, text) for name, text in fields.items()})


def failed(reason):
    """The API's failure answer for a reason text."""
    return {"result": "failed", "reason": reason}


@pytest.fixture
def pending(target):
    """The demo target's pending call requests."""
    return CallRequest.objects.filter(target=target, state=CallRequest.State.PENDING)
