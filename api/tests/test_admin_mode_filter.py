"""The admin's mode filter (lib.admin.mode_filter): staff see both worlds, and ?mode=live or ?mode=test shows one."""

import pytest

from accounts.models import ApiToken
from api import testmode
from api.models import ApiRequestLog, CallRequest, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def worlds(client, developer, issued, target):
    """One of each in each world, made through the API: tokens, subscribers, call requests, request log entries."""
    live, live_plaintext = issued
    test, test_plaintext = ApiToken.issue(developer, "Test", "example.com", test=True)
    phone = Subscriber.create_test_phone(developer)
    for plaintext, number in [(live_plaintext, target.national_number), (test_plaintext, phone.national_number)]:
        assert client.get(f"/{plaintext}/callback/01010041004/kr/{number}/kr/hi").json()["result"] == "success"
    magic = testmode.OUTCOMES[0].national_number
    assert client.get(f"/{test_plaintext}/callback/01010041004/kr/{magic}/kr/hi").json()["result"] == "success"
    return {
        ApiToken: ({live.pk}, {test.pk}),
        Subscriber: ({target.pk}, {phone.pk, Subscriber.objects.get(number=testmode.OUTCOMES[0].number).pk}),
        CallRequest: (
            set(CallRequest.objects.filter(token=live).values_list("pk", flat=True)),
            set(CallRequest.objects.filter(token=test).values_list("pk", flat=True)),
        ),
        ApiRequestLog: (
            set(ApiRequestLog.objects.filter(token=live).values_list("pk", flat=True)),
            set(ApiRequestLog.objects.filter(token=test).values_list("pk", flat=True)),
        ),
    }


def listed(staff_client, model, query=""):
    """The primary keys of the rows the admin's list of that model shows."""
    response = staff_client.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/{query}")
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}, response.content.decode()


@pytest.mark.parametrize("model", [ApiToken, Subscriber, CallRequest, ApiRequestLog], ids=lambda m: m.__name__)
def test_it_shows_staff_one_world_at_a_time(staff_client, worlds, model):
    live, test = worlds[model]
    assert live and test and not live & test

    everything, page = listed(staff_client, model)
    assert everything == live | test
    assert "?mode=test" in page and "?mode=live" in page
    assert listed(staff_client, model, "?mode=live")[0] == live
    assert listed(staff_client, model, "?mode=test")[0] == test


def test_it_keeps_the_admin_from_outsiders(outsider_client, worlds):
    response = outsider_client.get("/admin/api/subscriber/?mode=test")

    assert response.status_code == 302 and "login" in response.url
