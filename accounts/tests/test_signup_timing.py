"""Sign-up answers for a registered address as for a new one: the same page, in the same time.

Otherwise whoever submits the form learns which addresses are registered, from the answer or its timing.
"""

import re
import statistics
import time

from allauth.account.models import EmailAddress
from django.conf import global_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

PASSWORD = "a long and unusual passphrase 7"
ROUNDS = 5


def sign_up(email):
    """(seconds, the answer, the page it leads to) for one sign-up from a browser of its own."""
    client = Client()
    started = time.perf_counter()
    response = client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})
    seconds = time.perf_counter() - started
    page = client.get(response["Location"]).content.decode()
    return seconds, response, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page).replace(email, "EMAIL")


def test_it_answers_a_registered_address_as_it_answers_a_new_one(db, settings):
    registered = [f"registered{n}@dev.example" for n in range(ROUNDS)]
    for email in registered:
        user = get_user_model().objects.create_user(username=email.split("@")[0], email=email, password=PASSWORD)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # production's hashing, not the suite's fast one

    new_times, registered_times = [], []
    for n in range(ROUNDS):  # interleaved, so that a slower moment of the machine hits both alike
        new_seconds, new_answer, new_page = sign_up(f"new{n}@dev.example")
        registered_seconds, registered_answer, registered_page = sign_up(registered[n])
        new_times.append(new_seconds)
        registered_times.append(registered_seconds)

    assert (registered_answer.status_code, registered_answer["Location"]) == (
        new_answer.status_code,
        new_answer["Location"],
    )
    assert registered_page == new_page
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [f"new{n}@dev.example" for n in range(ROUNDS)] + registered
    )  # one mail each, to the address given: only its owner learns whether it was registered
    ratio = statistics.median(registered_times) / statistics.median(new_times)
    assert 0.5 < ratio < 2, f"new {new_times}, registered {registered_times}"
