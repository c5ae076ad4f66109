"""A request that waited in a queue past its caller's patience is refused before any work (issue 22), in the shape of
the interface it was for: the API's JSON, the device API's JSON, the outage page."""

import time

import pytest

from api.models import ApiRequestLog


def waited(seconds):
    """The header nginx adds: when it handed the request on, seconds before now."""
    return {"X-Request-Start": f"t={time.time() - seconds:.3f}"}


@pytest.mark.django_db
def test_it_refuses_a_stale_api_call_with_the_api_s_json_and_logs_nothing(client, issued, target):
    response = client.get(f"/{issued[1]}/callback/01010041004/kr/01011111111/kr/hi", headers=waited(6))

    assert (response.status_code, response.json()) == (503, {"result": "failed", "reason": "service unavailable"})
    assert response["Retry-After"] == "5"
    assert not ApiRequestLog.objects.exists()


@pytest.mark.django_db
def test_it_answers_a_stale_jsonp_call_as_the_api_answers_a_jsonp_failure(client, issued, target):
    path = f"/{issued[1]}/callback/01010041004/kr/01011111111/kr/hi"
    response = client.get(path, {"callback": "app.on_done"}, headers=waited(6))

    assert response.status_code == 200  # a script tag cannot read the status
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response.content.decode() == '/**/app.on_done({"result":"failed","reason":"service unavailable"});'
    assert not ApiRequestLog.objects.exists()

    refused = client.get(path, {"callback": "alert(1)//"}, headers=waited(6))  # never reflected
    assert (refused.status_code, refused.json()) == (503, {"result": "failed", "reason": "service unavailable"})


def test_it_refuses_a_stale_device_call_with_the_device_api_s_json(client):
    response = client.get("/device/v1/me", headers=waited(6))

    assert (response.status_code, response.json()) == (503, {"reason": "service unavailable"})


def test_it_shows_the_outage_page_for_a_stale_page_in_the_visitor_s_language(client):
    response = client.get("/", headers={**waited(6), "Accept-Language": "ko"})

    assert response.status_code == 503
    assert "일시적으로 사용할 수 없습니다" in response.content.decode()


@pytest.mark.django_db
def test_it_serves_a_request_that_waited_less_than_the_queue_timeout(client, settings):
    settings.REQUEST_QUEUE_TIMEOUT_SECONDS = 5

    assert client.get("/", headers=waited(4)).status_code == 200


@pytest.mark.django_db
def test_it_takes_a_start_in_the_future_for_now(client):
    """A forged or skewed stamp neither refuses the request nor gives it more time."""
    assert client.get("/", headers={"X-Request-Start": f"t={time.time() + 3600:.3f}"}).status_code == 200
