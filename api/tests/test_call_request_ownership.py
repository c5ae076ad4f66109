"""A call request belongs to the developer whose token sent it: another developer's token neither sees, refreshes
nor cancels it, and the answers do not tell whether it exists."""

import json

import pytest

from api.models import CallRequest
from tests.helpers import SEED_SUCCESS, failed, seed_body
from tests.tokens import server_token

pytestmark = pytest.mark.django_db
PAIR = "01010041004/kr/01011111111/kr"


@pytest.fixture
def bob(outsider):
    """Another developer's active token (for another host): its plaintext."""
    return server_token(outsider, "Bob's shop", "bob.example.net")[1]


def get(client, value, action, message=None):
    path = f"/{value}/{action}/{PAIR}" + (f"/{message}" if message is not None else "")
    return json.loads(client.get(path).content)


def requests_by_owner():
    return sorted(CallRequest.objects.values_list("developer__email", "message", "state"))


def test_it_does_not_let_another_developer_cancel_the_request(client, value, target, bob, developer):
    assert get(client, value, "callback", "alice's") == SEED_SUCCESS

    assert get(client, bob, "cancel") == failed("nothing pending to cancel")
    assert requests_by_owner() == [(developer.email, "alice's", "pending")]


def test_it_keeps_another_developer_s_callback_a_request_of_its_own(client, value, target, bob, developer, outsider):
    assert get(client, value, "callback", "alice's") == SEED_SUCCESS
    assert get(client, bob, "callback", "bob's") == SEED_SUCCESS

    assert requests_by_owner() == [(outsider.email, "bob's", "pending"), (developer.email, "alice's", "pending")]
    assert get(client, value, "cancel") == SEED_SUCCESS
    assert requests_by_owner() == [(outsider.email, "bob's", "pending"), (developer.email, "alice's", "cancelled")]


def test_it_answers_another_developer_the_same_whether_or_not_a_request_is_pending(client, value, target, bob):
    before = get(client, bob, "cancel")
    get(client, value, "callback", "alice's")

    assert get(client, bob, "cancel") == before == failed("nothing pending to cancel")


def test_it_keeps_the_requests_apart_on_the_encrypted_post_too(client, value, target, bob, developer):
    get(client, value, "callback", "alice's")
    response = client.post(
        "/callback/callback_api.php",
        seed_body(bob, action="cancel"),
        content_type="application/json",
        headers={"Referer": "http://bob.example.net/"},
    )

    assert json.loads(response.content) == failed("nothing pending to cancel")
    assert requests_by_owner() == [(developer.email, "alice's", "pending")]


def test_it_lets_each_of_the_developer_s_tokens_refresh_and_cancel_the_request(client, value, target, developer):
    second = server_token(developer, "Second site", "second.example.com")[1]
    get(client, value, "callback", "first")

    assert get(client, second, "callback", "second") == SEED_SUCCESS
    assert requests_by_owner() == [(developer.email, "second", "pending")]
    assert get(client, second, "cancel") == SEED_SUCCESS
    assert requests_by_owner() == [(developer.email, "second", "cancelled")]
