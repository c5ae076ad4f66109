"""/tokens/<pk>/log/: the owner's request log with filters, pagination and the 30-day chart; 404 for anyone else."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiRequestLog
from tests.tokens import server_token

pytestmark = pytest.mark.django_db


def url(token):
    return f"/tokens/{token.pk}/log/"


def entry(token, result="success", action="callback", age=timedelta(0), reason=""):
    return ApiRequestLog.objects.create(
        token=token,
        action=action,
        transport="GET",
        result=result,
        reason=reason,
        status=200 if result == "success" else 404,
        client_ip="203.0.113.9",
        referer_host="example.com",
        duration_ms=3,
        created_at=timezone.now() - age,
    )


def test_it_shows_the_tokens_calls_made_through_the_api(owner_client, token, value, target):
    owner_client.get(f"/{value}/callback/01010041004/kr/01099999999/kr/hi")

    response = owner_client.get(url(token))

    assert response.status_code == 200
    page = response.content.decode()
    assert "target number is not registered to callbacknow" in page
    assert value not in page


def test_it_filters_by_result_action_and_date(owner_client, token):
    entry(token, "success", "callback")
    entry(token, "failed", "cancel", reason="nothing pending to cancel")
    entry(token, "failed", "callback", age=timedelta(days=3), reason="invalid number")
    today = timezone.localdate().isoformat()

    def shown(**query):
        return [e.reason for e in owner_client.get(url(token), query).context["page"].object_list]

    assert shown(result="failed") == ["nothing pending to cancel", "invalid number"]
    assert shown(action="callback", result="failed") == ["invalid number"]
    assert shown(date_from=today, result="failed") == ["nothing pending to cancel"]
    assert shown(date_to=(timezone.localdate() - timedelta(days=1)).isoformat()) == ["invalid number"]


def test_it_shows_an_invalid_filter_as_a_form_error_and_the_whole_log(owner_client, token):
    entry(token)

    response = owner_client.get(url(token), {"date_from": "yesterday", "result": "maybe"})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"date_from", "result"}
    assert len(response.context["page"].object_list) == 1


def test_it_pages_the_log_fifty_at_a_time_keeping_the_filters(owner_client, token):
    ApiRequestLog.objects.bulk_create(
        [ApiRequestLog(token=token, transport="GET", result="failed", status=401, duration_ms=1) for _ in range(60)]
    )

    first = owner_client.get(url(token), {"result": "failed"})
    second = owner_client.get(url(token), {"result": "failed", "page": 2})

    assert len(first.context["page"].object_list) == 50
    assert "?result=failed&amp;page=2" in first.content.decode()
    assert len(second.context["page"].object_list) == 10


def test_it_charts_successes_and_failures_per_day_for_30_days(owner_client, token):
    entry(token, "success"), entry(token, "success"), entry(token, "failed")
    entry(token, "failed", age=timedelta(days=2))
    entry(token, "failed", age=timedelta(days=45))

    chart = owner_client.get(url(token)).context["chart"]

    days = chart["days"]
    assert len(days) == 30 and days[-1].date == timezone.localdate()
    assert (days[-1].success.count, days[-1].failed.count) == (2, 1)
    assert (days[-3].success.count, days[-3].failed.count) == (0, 1)
    assert sum(day.failed.count for day in days) == 2
    assert days[-1].success.height > days[-1].failed.height > 0 == days[0].success.height


def test_it_draws_the_chart_as_svg_without_inline_styles_or_scripts(owner_client, token):
    entry(token)

    page = owner_client.get(url(token)).content.decode()

    assert "<svg" in page and 'class="chart-success"' in page
    assert "style=" not in page and "<script>" not in page


def test_it_does_not_show_the_calls_of_other_tokens(owner_client, token, developer, outsider):

    other, _value = server_token(outsider, "Theirs", "example.com")
    entry(other, reason="somebody else's call")

    assert "somebody else" not in owner_client.get(url(token)).content.decode()


@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "head"])
def test_it_answers_404_to_another_developer(outsider_client, token, method):
    assert getattr(outsider_client, method)(url(token)).status_code == 404


def test_it_answers_405_to_the_owner_for_a_post(owner_client, token):
    assert owner_client.post(url(token)).status_code == 405


def test_it_sends_a_visitor_to_sign_in(client, token):
    response = client.get(url(token))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_speaks_korean(owner_client, token):
    response = owner_client.get(url(token), headers={"Accept-Language": "ko"})

    assert "요청 기록" in response.content.decode()


def test_it_shows_each_calls_request_id_and_its_call_requests_current_state(owner_client, token, value, target):
    from api.models import CallRequest

    sent = owner_client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")
    call_request = CallRequest.objects.get(public_id=sent["X-Call-Request-Id"])
    call_request.answer()

    html = owner_client.get(url(token), headers={"Accept-Language": "ko"}).content.decode()

    row = re.search(r"<tr class=\"log-success\">(.*?)</tr>", html, re.S).group(1)
    assert f"<code>{sent['X-Request-Id']}</code>" in row
    assert f"<code>{call_request.public_id}</code>" in row
    assert '<span class="badge call-request-answered">응답함</span>' in row


def test_it_shows_no_call_request_for_a_failed_call(owner_client, token, value, target):
    failed = owner_client.get(f"/{value}/callback/01010041004/kr/01099999999/kr/hi")

    row = re.search(r"<tr class=\"log-failed\">(.*?)</tr>", owner_client.get(url(token)).content.decode(), re.S)

    assert f"<code>{failed['X-Request-Id']}</code>" in row.group(1) and "cr_" not in row.group(1)


def test_it_reads_the_call_requests_of_a_page_of_rows_in_the_same_queries_as_one(
    owner_client, token, value, target, settings
):
    from django.db import connection

    settings.API_PER_TARGET_PER_HOUR = settings.API_PER_TARGET_PER_DAY = 100  # 21 requests to one target
    from django.test.utils import CaptureQueriesContext

    def queries_for_the_page():
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(url(token)).status_code == 200
        return len(queries)

    owner_client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")
    one_row = queries_for_the_page()
    for number in range(20):
        owner_client.get(f"/{value}/callback/0101234{number:04d}/kr/01011111111/kr/hi")

    assert ApiRequestLog.objects.for_token(token).exclude(call_request=None).count() == 21
    assert queries_for_the_page() == one_row


def search(client, token, **query):
    response = client.get(url(token), query)
    assert response.status_code == 200
    return response


def test_it_finds_a_call_by_its_request_id(owner_client, token, value, target):
    sent = owner_client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")
    owner_client.get(f"/{value}/callback/01010041004/kr/01099999999/kr/hi")

    found = search(owner_client, token, q=sent["X-Request-Id"]).context["page"].object_list

    assert [entry.request_id for entry in found] == [sent["X-Request-Id"]]


def test_it_finds_the_calls_of_a_call_request_by_its_id(owner_client, token, value, target):
    sent = owner_client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")
    owner_client.get(f"/{value}/cancel/01010041004/kr/01011111111/kr")
    owner_client.get(f"/{value}/callback/01010041005/kr/01011111111/kr/another")

    found = search(owner_client, token, q=sent["X-Call-Request-Id"]).context["page"].object_list

    assert [entry.action for entry in found] == ["cancel", "callback"]


@pytest.mark.parametrize("typed", ["01099999999", "010-9999-9999", "+82 10-9999-9999", "9999"])
def test_it_finds_the_calls_naming_a_number_however_it_is_typed(owner_client, token, value, target, typed):
    owner_client.get(f"/{value}/callback/01010041004/kr/01099999999/kr/hi")
    owner_client.get(f"/{value}/neocallback/01010041004/kr/airpagephone/hi")

    found = search(owner_client, token, q=typed).context["page"].object_list

    assert [entry.reason for entry in found] == ["target number is not registered to callbacknow"]


def test_it_finds_the_calls_of_a_client_address(owner_client, token):
    entry(token, reason="from the office")
    ApiRequestLog.objects.filter(token=token).update(client_ip="2001:db8::1")
    entry(token, reason="from the shop")

    found = search(owner_client, token, q="2001:0db8:0:0::1").context["page"].object_list

    assert [e.reason for e in found] == ["from the office"]


def test_it_filters_by_reason_and_by_status(owner_client, token):
    entry(token, "failed", reason="rate limited")
    ApiRequestLog.objects.filter(token=token).update(status=429)
    entry(token, "failed", reason="invalid number")
    entry(token, "success")

    by_reason = search(owner_client, token, reason="rate limited").context["page"].object_list
    by_status = search(owner_client, token, status="404").context["page"].object_list

    assert [e.reason for e in by_reason] == ["rate limited"]
    assert [e.reason for e in by_status] == ["invalid number"]


def test_it_answers_a_search_it_cannot_read_with_an_error_in_the_pages_language(owner_client, token):
    entry(token)

    response = owner_client.get(url(token), {"q": "hello"}, headers={"Accept-Language": "ko"})

    assert response.status_code == 200 and response.context["form"].errors.keys() == {"q"}
    assert "요청 ID" in response.context["form"].errors["q"][0]
    assert len(response.context["page"].object_list) == 1


def test_it_keeps_the_search_in_the_pages_links(owner_client, token):
    ApiRequestLog.objects.bulk_create(
        [
            ApiRequestLog(
                token=token, transport="GET", result="failed", reason="rate limited", status=429, duration_ms=1
            )
            for _ in range(60)
        ]
    )

    page = search(owner_client, token, reason="rate limited", status="429").content.decode()

    assert "?reason=rate+limited&amp;status=429&amp;page=2" in page
    assert f"/tokens/{token.pk}/log/export.csv?reason=rate+limited&amp;status=429" in page


def test_it_links_each_row_to_its_calls_page(owner_client, token):
    logged = entry(token)

    assert f'href="/tokens/{token.pk}/log/{logged.pk}/"' in owner_client.get(url(token)).content.decode()


def test_it_highlights_the_chosen_day_in_the_chart(owner_client, token):
    entry(token, age=timedelta(days=2))
    day = (timezone.localdate() - timedelta(days=2)).isoformat()

    response = search(owner_client, token, date_from=day, date_to=day, result="failed")

    chosen = [d for d in response.context["chart"]["days"] if d.chosen]
    assert [d.date.isoformat() for d in chosen] == [day]
    page = response.content.decode()
    assert 'class="chart-chosen"' in page and 'aria-current="date"' in page
    # Each bar keeps the other filters and picks its day.
    assert (
        f"?date_from={day}&amp;date_to={day}&amp;result=failed" in page or f"result=failed&amp;date_from={day}" in page
    )


def test_it_highlights_no_day_for_a_range(owner_client, token):
    entry(token)
    today = timezone.localdate()

    response = search(owner_client, token, date_from=(today - timedelta(days=3)).isoformat(), date_to=today.isoformat())

    assert not any(d.chosen for d in response.context["chart"]["days"])
    assert 'class="chart-chosen"' not in response.content.decode()


def test_it_breaks_a_host_name_after_its_dots_only(owner_client, token):
    entry(token)

    page = owner_client.get(url(token)).content.decode()

    assert "example.<wbr>com" in page
