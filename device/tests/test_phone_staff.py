"""Staff open a subscriber's virtual phone from the admin: a fresh device key of their own, issued by a POST."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from device.models import DeviceKey
from device.pages import COOKIE

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def staff_url(subscriber):
    return f"/phone/staff/subscribers/{subscriber.pk}/"


def test_it_links_the_subscriber_s_admin_page_to_their_phone(staff_client, target):
    page = staff_client.get(f"/admin/api/subscriber/{target.pk}/change/").content.decode()

    assert f'href="{staff_url(target)}"' in page and "Open virtual phone" in page


def test_it_asks_first_and_issues_nothing_on_a_get(staff_client, target):
    response = staff_client.get(staff_url(target))

    assert response.status_code == 200 and "010-1111-1111" in response.content.decode()
    assert "Staff virtual phone · staff@example.com" in response.content.decode()
    assert not DeviceKey.objects.exists() and COOKIE not in response.cookies


def test_it_issues_a_named_key_keeps_it_in_the_cookie_and_opens_the_phone(staff_client, staff, target):
    response = staff_client.post(staff_url(target))

    key = DeviceKey.objects.get()
    plaintext = response.cookies[COOKIE].value
    assert (response.status_code, response["Location"]) == (302, "/phone/")
    assert (key.subscriber, key.name, key.created_by) == (target, "Staff virtual phone · staff@example.com", staff)
    assert DeviceKey.objects.find_active(plaintext) == key and plaintext not in response["Location"]
    assert (response.cookies[COOKIE]["httponly"], response.cookies[COOKIE]["samesite"]) == (True, "Strict")
    phone = staff_client.get("/phone/").content.decode()
    assert "010-1111-1111" in phone and f'data-key="{plaintext}"' in phone


def test_it_gives_each_visit_a_fresh_key(staff_client, target):
    first = staff_client.post(staff_url(target)).cookies[COOKIE].value
    second = staff_client.post(staff_url(target)).cookies[COOKIE].value

    assert first != second and DeviceKey.objects.count() == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_is_not_there_for_developers_or_visitors(client, developer, target, method):
    anonymous = getattr(client, method)(staff_url(target))
    signed_in = Client()
    signed_in.force_login(developer)

    assert anonymous.status_code == 404 and getattr(signed_in, method)(staff_url(target)).status_code == 404
    assert not DeviceKey.objects.exists()


def test_it_answers_404_for_a_subscriber_that_does_not_exist(staff_client, target):
    assert staff_client.post(f"/phone/staff/subscribers/{target.pk + 1000}/").status_code == 404


def test_it_is_not_there_for_staff_who_may_not_change_subscribers(client, target):
    helper = get_user_model().objects.create_user("helper", "helper@example.com", is_staff=True)
    client.force_login(helper)

    assert client.post(staff_url(target)).status_code == 404 and not DeviceKey.objects.exists()
