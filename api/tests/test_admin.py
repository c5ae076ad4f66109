import pytest

from api.models import ApiRequestLog, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_it_lets_staff_add_a_subscriber_normalised(staff_client):
    response = staff_client.post(
        "/admin/api/subscriber/add/",
        {"number": "010-2222-3333", "country": "kr", "operator": "KT", "public_id": "New.User", "active": "on"},
    )

    assert response.status_code == 302, response.content
    subscriber = Subscriber.objects.get()
    assert (subscriber.number, subscriber.country, subscriber.public_id) == ("+821022223333", "KR", "new.user")


def test_it_shows_a_form_error_for_an_invalid_number(staff_client):
    response = staff_client.post("/admin/api/subscriber/add/", {"number": "0101", "country": "kr", "operator": "KT"})

    assert response.status_code == 200
    assert "Enter a valid phone number of that country." in response.content.decode()
    assert not Subscriber.objects.exists()


def test_it_deactivates_subscribers_in_bulk(staff_client, target):
    staff_client.post("/admin/api/subscriber/", {"action": "deactivate", "_selected_action": [target.pk]})

    target.refresh_from_db()
    assert target.active is False


@pytest.mark.parametrize("path", ["/admin/api/subscriber/", "/admin/api/callrequest/", "/admin/api/apirequestlog/"])
def test_it_lists_the_apis_models_to_staff(staff_client, target, path):
    assert staff_client.get(path).status_code == 200


def test_it_keeps_the_request_log_read_only(staff_client, token):
    log = ApiRequestLog.objects.create(token=token, transport="GET", result="success", status=200, duration_ms=1)

    assert staff_client.get(f"/admin/api/apirequestlog/{log.pk}/change/").status_code == 200
    staff_client.post(f"/admin/api/apirequestlog/{log.pk}/change/", {"reason": "edited"})
    assert staff_client.post(f"/admin/api/apirequestlog/{log.pk}/delete/", {"post": "yes"}).status_code == 403
    log.refresh_from_db()
    assert log.reason == ""
    assert staff_client.get("/admin/api/apirequestlog/add/").status_code == 403


def test_it_hides_the_admin_from_developers(owner_client):
    assert owner_client.get("/admin/api/subscriber/").status_code == 302


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"number": "010-0000-0001"}, "This number is in the range reserved for test phones."),
        ({"public_id": "test-friend"}, "IDs starting with “test-” are reserved for test phones."),
    ],
)
def test_it_refuses_staff_a_live_subscriber_in_test_modes_reserve(staff_client, fields, error):
    data = {"number": "010-2222-3333", "country": "kr", "operator": "KT", "active": "on", **fields}

    response = staff_client.post("/admin/api/subscriber/add/", data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Subscriber.objects.exists()


def test_it_heads_every_column_in_korean(staff_client, issued, target):
    """Field names without a verbose name came out as English ("Target", "Token") in the Korean admin."""
    import re

    from django.test import Client

    token, plaintext = issued
    answer = Client().get(
        f"/{plaintext}/callback/01010041004/kr/01011111111/kr/hello", HTTP_REFERER="https://example.com/"
    )
    assert answer.json()["result"] == "success"
    for path in ("/admin/api/callrequest/", "/admin/api/apirequestlog/"):
        page = staff_client.get(path, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
        headers = [
            re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', page, re.S)
        ]
        english = [h for h in headers if re.fullmatch(r"[A-Za-z ]+", h) and h not in ("HTTP", "Referer")]
        assert headers and not english, (path, english)
