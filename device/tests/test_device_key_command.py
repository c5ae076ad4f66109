"""manage.py device_key NUMBER ISO [--name NAME]: a new key for a subscriber's phone, printed alone."""

import os
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts import token_crypto
from device.models import DeviceKey
from tests.helpers import manage, url_of_test_database

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("device_key", *args, stdout=out)
    return out.getvalue()


def test_it_prints_only_a_new_key_that_works(target):
    printed = run("010-1111-1111", "KR", "--name", "Galaxy S24")

    plaintext = printed.strip()
    assert printed == plaintext + "\n"
    key = DeviceKey.objects.find_active(plaintext)
    assert (key.subscriber, key.name, key.digest) == (target, "Galaxy S24", token_crypto.digest(plaintext))


def test_it_names_the_key_after_the_app_by_default(target):
    run("+821011111111", "kr")

    assert DeviceKey.objects.get().name == "CallbackNow app"


@pytest.mark.parametrize(
    "args, message",
    [
        (["01022223333", "kr"], "No active subscriber has the number +821022223333"),
        (["0101", "kr"], "not a valid phone number"),
        (["01011111111", "zz"], "not an ISO 3166 country code"),
    ],
)
def test_it_refuses_an_unknown_subscriber_or_a_bad_number(target, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)

    assert not DeviceKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_exits_1_with_the_error_on_stderr_and_nothing_on_stdout(target):
    env = dict(os.environ, DATABASE_URL=url_of_test_database())

    done = manage(env, "device_key", "01022223333", "kr")
    printed = manage(env, "device_key", "01011111111", "kr")

    assert (done.returncode, done.stdout) == (1, "")
    assert "No active subscriber has the number +821022223333" in done.stderr
    assert printed.returncode == 0, printed.stderr
    assert DeviceKey.objects.find_active(printed.stdout.strip()).subscriber == target
