"""/test-mode/: the developer's test tokens in full, their virtual test phones (create, open, delete) and clearing
their test data; nobody else's."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from api import testmode
from api.models import ApiRequestLog, CallRequest, Subscriber
from device.models import DeviceKey
from device.pages import COOKIE, TEST_PHONE_BROWSERS, national_format

pytestmark = pytest.mark.django_db
HOME = reverse("testmode:overview")
CREATE = reverse("testmode:create_phone")
CLEAR = reverse("testmode:clear")


def open_url(phone):
    return reverse("testmode:open_phone", args=[phone.pk])


def delete_url(phone):
    return reverse("testmode:delete_phone", args=[phone.pk])


def call(client, plaintext, target, message="hi"):
    """A callback through the Open API's GET form; returns its answer."""
    return json.loads(client.get(f"/{plaintext}/callback/01010041004/kr/{target}/kr/{message}").content)


def test_it_sends_visitors_to_sign_in(client):
    response = client.get(HOME)

    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_it_asks_an_unverified_developer_to_verify_first(client):
    user = get_user_model().objects.create_user(username="new", email="new@example.com", password="x" * 20)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)

    response = client.get(HOME)

    assert response.status_code == 200
    assert "Confirm yours first" in response.content.decode()
    assert not ApiToken.objects.exists()
    assert client.post(CREATE).status_code == 404
    assert not Subscriber.objects.exists()


def test_it_shows_the_developers_test_token_in_full_and_never_anothers(owner_client, developer, outsider, issued):
    live, live_plaintext = issued
    theirs, their_plaintext = ApiToken.issue(outsider, "Theirs", "localhost", test=True)

    response = owner_client.get(HOME)

    page = response.content.decode()
    mine = ApiToken.objects.for_owner(developer).test().get()
    assert f'<code id="test-token-{mine.pk}" class="secret">{mine.secret}</code>' in page
    assert their_plaintext not in page and live_plaintext not in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_lists_the_magic_numbers(owner_client):
    page = owner_client.get(HOME).content.decode()

    for magic in [*testmode.OUTCOMES, *testmode.FAILURES]:
        assert magic.national_number in page


def test_it_creates_test_phones_in_the_reserved_range_up_to_the_cap(owner_client, developer, settings):
    settings.TEST_PHONES_PER_DEVELOPER = 2
    for _ in range(2):
        assert owner_client.post(CREATE).url == HOME

    response = owner_client.post(CREATE, follow=True)

    assert "You already have 2 test phones, the most one developer may hold." in response.content.decode()
    phones = list(Subscriber.objects.all())
    assert len(phones) == 2
    for phone in phones:
        assert (phone.is_test, phone.test_owner, phone.active) == (True, developer, True)
        assert testmode.is_test_number(phone.number) and phone.number >= testmode.FIRST_PHONE_NUMBER
        assert phone.public_id.startswith("test-")
    assert len({phone.number for phone in phones}) == 2


def test_it_shows_a_new_phone_and_says_it_is_ready(owner_client, developer):
    response = owner_client.post(CREATE, follow=True)

    phone = Subscriber.objects.get()
    page = response.content.decode()
    assert f"Test phone {national_format(phone.number)} (ID {phone.public_id}) is ready." in page
    assert open_url(phone) in page and delete_url(phone) in page


def test_it_opens_an_own_phone_in_this_browser_with_one_click(owner_client, developer):
    phone = Subscriber.create_test_phone(developer)

    response = owner_client.post(open_url(phone))

    assert response.status_code == 302 and response.url == reverse("phone:phone")
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["path"] == reverse("phone:phone")
    key = DeviceKey.objects.get()
    assert (key.subscriber, key.created_by) == (phone, developer)
    shown = owner_client.get(reverse("phone:phone")).content.decode()
    assert f'<strong id="phone-owner-national">{national_format(phone.number)}</strong>' in shown
    assert '<span id="phone-owner-test" class="badge badge-test">Test phone</span>' in shown


def test_it_replaces_the_key_when_the_phone_is_opened_again(owner_client, developer):
    phone = Subscriber.create_test_phone(developer)
    owner_client.post(open_url(phone))

    owner_client.post(open_url(phone))

    assert DeviceKey.objects.active().count() == 1
    assert DeviceKey.objects.count() == 2


def browser_of(developer):
    """Another browser of the developer's: a session of its own."""
    browser = Client()
    browser.force_login(developer)
    return browser


def test_it_keeps_the_phone_open_in_each_browser_that_opens_it(owner_client, developer):
    phone = Subscriber.create_test_phone(developer)
    laptop, tablet = owner_client, browser_of(developer)

    laptop.post(open_url(phone))
    tablet.post(open_url(phone))

    assert DeviceKey.objects.active().count() == 2
    for browser in (laptop, tablet):
        shown = browser.get(reverse("phone:phone")).content.decode()
        assert f'<strong id="phone-owner-national">{national_format(phone.number)}</strong>' in shown


def test_it_closes_the_phone_in_the_oldest_browser_beyond_three_and_says_how_to_open_it_again(owner_client, developer):
    phone = Subscriber.create_test_phone(developer)
    first = owner_client
    first.post(open_url(phone))
    for _ in range(TEST_PHONE_BROWSERS):
        browser_of(developer).post(open_url(phone))

    response = first.get(reverse("phone:phone"), follow=True)

    assert DeviceKey.objects.active().count() == TEST_PHONE_BROWSERS
    said = re.search(r'<ul class="messages".*?</ul>', response.content.decode(), flags=re.S).group()
    assert (
        "This test phone was closed here: it was opened in other browsers since, and stays open in at most 3 at "
        f'once. <a href="{HOME}">Open it again from Test mode.</a>'
    ) in said
    assert "Ask CallbackNow staff" not in said
    assert not first.cookies[COOKIE].value  # this browser no longer keeps the closed phone's key


def test_it_says_so_in_korean_too(owner_client, developer):
    phone = Subscriber.create_test_phone(developer)
    owner_client.post(open_url(phone))
    for _ in range(TEST_PHONE_BROWSERS):
        browser_of(developer).post(open_url(phone))

    page = owner_client.get(reverse("phone:phone"), follow=True, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "이 테스트 폰은 여기서 닫혔습니다." in page and "테스트 모드에서 다시 여세요." in page


def test_it_answers_a_call_to_an_own_phone_on_the_opened_phone(owner_client, developer):
    phone = Subscriber.create_test_phone(developer)
    token = ApiToken.test_token_for(developer)
    assert call(owner_client, token.secret, phone.national_number, "ring")["result"] == "success"
    owner_client.post(open_url(phone))

    shown = owner_client.get(reverse("phone:phone")).content.decode()

    assert "ring" in shown
    assert CallRequest.objects.get().state == CallRequest.State.DELIVERED


@pytest.mark.parametrize("method", ["get", "head"])
def test_it_takes_only_a_post_to_open_or_delete(owner_client, developer, method):
    phone = Subscriber.create_test_phone(developer)

    for url in (open_url(phone), delete_url(phone)):
        assert getattr(owner_client, method)(url).status_code == 405
    assert Subscriber.objects.filter(pk=phone.pk).exists()
    assert not DeviceKey.objects.exists()


def test_it_hides_another_developers_phone(outsider_client, developer):
    phone = Subscriber.create_test_phone(developer)

    assert outsider_client.post(open_url(phone)).status_code == 404
    assert outsider_client.post(delete_url(phone)).status_code == 404
    assert COOKIE not in outsider_client.cookies
    assert Subscriber.objects.filter(pk=phone.pk).exists()
    assert not DeviceKey.objects.exists()
    assert phone.public_id not in outsider_client.get(HOME).content.decode()


def test_it_hides_a_magic_subscriber_and_a_live_one_from_the_phone_buttons(owner_client, target):
    magic = Subscriber.magic(testmode.OUTCOMES[0])

    for subscriber in (magic, target):
        assert owner_client.post(open_url(subscriber)).status_code == 404
        assert owner_client.post(delete_url(subscriber)).status_code == 404
    assert Subscriber.objects.count() == 2


def test_it_deletes_an_own_phone_with_its_requests_and_keys(owner_client, developer):
    phone = Subscriber.create_test_phone(developer)
    other = Subscriber.create_test_phone(developer)
    token = ApiToken.test_token_for(developer)
    call(owner_client, token.secret, phone.national_number)
    owner_client.post(open_url(phone))

    response = owner_client.post(delete_url(phone), follow=True)

    assert f"The test phone {national_format(phone.number)} is deleted." in response.content.decode()
    assert owner_client.cookies[COOKIE].value == ""  # the phone page forgets the deleted phone's key
    assert list(Subscriber.objects.all()) == [other]
    assert not CallRequest.objects.exists() and not DeviceKey.objects.exists()
    assert call(owner_client, token.secret, phone.national_number) == {
        "result": "failed",
        "reason": "target number is not registered to callbacknow",
    }


@pytest.fixture
def both_worlds(client, developer, outsider, issued, target):
    """Live and test call requests and request log entries of the developer's, and the outsider's test ones."""
    _live, live_plaintext = issued
    mine = ApiToken.test_token_for(developer)
    theirs = ApiToken.test_token_for(outsider)
    own_phone = Subscriber.create_test_phone(developer)
    answered = testmode.OUTCOMES[0].national_number
    assert call(client, live_plaintext, target.national_number)["result"] == "success"
    assert call(client, mine.secret, answered)["result"] == "success"
    assert call(client, mine.secret, own_phone.national_number)["result"] == "success"
    assert call(client, mine.secret, target.national_number)["result"] == "failed"  # logged too
    assert call(client, theirs.secret, answered)["result"] == "success"
    return {"mine": mine, "theirs": theirs, "own_phone": own_phone}


def test_it_asks_before_clearing_test_data(owner_client, both_worlds):
    response = owner_client.get(CLEAR)

    assert "This deletes the 2 call requests your test tokens sent" in response.content.decode()
    assert CallRequest.objects.count() == 4
    assert owner_client.post(CLEAR).status_code == 200  # not confirmed: still only asks
    assert CallRequest.objects.count() == 4


def test_it_clears_only_the_developers_test_data(owner_client, developer, outsider, issued, both_worlds):
    live, _ = issued

    response = owner_client.post(CLEAR, {"confirm": "1"}, follow=True)

    assert "Test data cleared: 2 call requests and 3 request log entries deleted." in response.content.decode()
    assert list(CallRequest.objects.values_list("token", flat=True).order_by("token")) == sorted(
        [live.pk, both_worlds["theirs"].pk]
    )
    assert ApiRequestLog.objects.filter(token=live).count() == 1
    assert ApiRequestLog.objects.filter(token=both_worlds["theirs"]).count() == 1
    assert not ApiRequestLog.objects.filter(token=both_worlds["mine"]).exists()
    both_worlds["mine"].refresh_from_db()
    assert both_worlds["mine"].is_active  # tokens and phones stay
    assert Subscriber.objects.filter(pk=both_worlds["own_phone"].pk).exists()


def test_it_clears_nothing_of_an_outsiders_asking(outsider_client, developer, both_worlds):
    outsider_client.post(CLEAR, {"confirm": "1"})

    assert CallRequest.objects.filter(developer=developer).count() == 3
    assert ApiRequestLog.objects.filter(token=both_worlds["mine"]).count() == 3


def test_it_sends_a_visitor_who_clears_to_sign_in(client, both_worlds):
    response = client.post(CLEAR, {"confirm": "1"})

    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert CallRequest.objects.count() == 4
