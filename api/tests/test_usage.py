"""/usage/: the account's calls per day by token, failures by reason and rate-limit headroom; each developer sees
only their own tokens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from api.models import ApiRequestLog

pytestmark = pytest.mark.django_db
URL = "/usage/"


def entry(token, result="success", reason="", age=timedelta(0)):
    return ApiRequestLog.objects.create(
        token=token,
        action="callback",
        transport="GET",
        result=result,
        reason=reason,
        status=200 if result == "success" else 404,
        duration_ms=1,
        created_at=timezone.now() - age,
    )


def rows_by_name(response):
    return {row["token"].name: row for row in response.context["rows"]}


def test_it_charts_each_tokens_calls_per_day(owner_client, token, developer):
    shop, _value = ApiToken.issue(developer, "Shop", "shop.example.com")
    entry(token), entry(token, "failed", "invalid number"), entry(token, age=timedelta(days=3))
    entry(shop, age=timedelta(days=1))
    entry(token, age=timedelta(days=40))  # before the chart's days

    response = owner_client.get(URL)

    assert response.status_code == 200
    rows = rows_by_name(response)
    mine, theirs = rows["My site"], rows["Shop"]
    assert (mine["calls"], mine["failures"], theirs["calls"]) == (3, 1, 1)
    days = mine["chart"]["days"]
    assert (days[-1].success.count, days[-1].failed.count, days[-4].success.count) == (1, 1, 1)
    assert theirs["chart"]["days"][-2].success.count == 1
    assert f'href="/tokens/{shop.pk}/log/?date_from=' in response.content.decode()


def test_it_counts_failures_by_reason_and_token_with_a_link_to_them(owner_client, token):
    for _ in range(3):
        entry(token, "failed", "rate limited")
    entry(token, "failed", "invalid number")
    entry(token)

    response = owner_client.get(URL)

    failures = [(row["reason"], row["token"], row["calls"]) for row in response.context["failures"]]
    assert failures == [("rate limited", token, 3), ("invalid number", token, 1)]
    assert f"/tokens/{token.pk}/log/?result=failed&amp;reason=rate%20limited" in response.content.decode()


def test_it_shows_the_rate_limit_beside_the_busiest_minute_and_this_minutes_use(
    client, owner_client, token, value, target
):
    token.rate_limit_per_minute = 5
    token.save()
    for _ in range(3):
        client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    ApiRequestLog.objects.bulk_create(
        [
            ApiRequestLog(
                token=token, transport="GET", result="success", status=200, duration_ms=1, created_at=an_hour_ago
            )
            for _ in range(4)
        ]
    )

    row = rows_by_name(owner_client.get(URL))["My site"]

    assert row["limit"] == 5
    assert row["busiest"][0] == 4  # the minute an hour ago: 4 calls, more than the 3 of this minute
    assert row["this_minute"] == 3


def test_it_shows_no_other_developers_tokens(owner_client, token, outsider):
    theirs, _value = ApiToken.issue(outsider, "Their site", "their.example.com")
    entry(theirs, "failed", "somebody else's failure")

    response = owner_client.get(URL)

    page = response.content.decode()
    assert "Their site" not in page and "somebody else" not in page
    assert list(rows_by_name(response)) == ["My site"]


def test_it_leaves_out_a_revoked_token_without_recent_calls(owner_client, token, developer):
    old, _value = ApiToken.issue(developer, "Old site", "old.example.com")
    old.revoke()

    assert list(rows_by_name(owner_client.get(URL))) == ["My site"]


def test_it_is_linked_from_the_navigation_and_the_request_log(owner_client, token):
    assert 'href="/usage/"' in owner_client.get("/tokens/").content.decode()
    assert 'href="/usage/"' in owner_client.get(f"/tokens/{token.pk}/log/").content.decode()


def test_it_sends_a_visitor_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_answers_405_to_a_post(owner_client):
    assert owner_client.post(URL).status_code == 405


def test_it_speaks_korean(owner_client, token):
    entry(token, "failed", "invalid number")

    page = owner_client.get(URL, headers={"Accept-Language": "ko"}).content.decode()

    assert "사용량" in page and "요청 한도 여유" in page and "사유별 실패" in page


def test_it_shows_live_tokens_and_with_the_switch_test_tokens_apart(owner_client, token, developer):
    test_token, _value = ApiToken.issue(developer, "Sandbox", "localhost", test=True)
    entry(token, "failed", "invalid number"), entry(test_token, "failed", "test tokens reach only test phones")

    live = owner_client.get(URL)
    test = owner_client.get(URL + "?mode=test")

    assert set(rows_by_name(live)) == {"My site"} and set(rows_by_name(test)) == {"Sandbox"}
    assert [row["reason"] for row in live.context["failures"]] == ["invalid number"]
    assert [row["reason"] for row in test.context["failures"]] == ["test tokens reach only test phones"]
    assert 'href="/usage/?mode=test"' in live.content.decode() and "badge-test" in test.content.decode()
