"""The test page's form: whose tokens it offers, its errors beside the fields, the history's owner."""

import re

import pytest

from accounts.models import ApiToken
from apitester.models import SentRequest
from tests.helpers import form_data


def field_errors(html, name):
    """The error messages shown beside one field (inside its wrapper)."""
    for wrapper in html.split('<div class="field')[1:]:
        if f'name="{name}"' in wrapper:
            return re.findall(r"<li>(.*?)</li>", wrapper)
    raise AssertionError(f"no field {name} on the page")


def test_it_shows_the_form_with_the_seeds_example_in_live_mode(owner_client, issued):
    html = owner_client.get("/tester/?mode=live").content.decode()
    assert 'value="01010041004"' in html and 'value="airpagephone"' in html
    assert '<datalist id="countries">' in html
    assert re.search(r'<option value="kr">[^<]*\(\+82\)</option>', html)
    assert 'list="countries"' in html
    assert 'data-actions="neocallback neocancel"' in html
    assert 'data-transports="jsonp"' in html


def test_it_offers_only_the_developers_active_tokens(owner_client, developer, outsider, issued):
    token, _ = issued
    suspended, _ = ApiToken.issue(developer, "Suspended app", "old.example.com")
    suspended.suspend()
    theirs, _ = ApiToken.issue(outsider, "Their app", "their.example.com")
    html = owner_client.get("/tester/?mode=live").content.decode()
    assert f'<option value="{token.pk}"' in html
    assert f'<option value="{suspended.pk}"' not in html
    assert f'<option value="{theirs.pk}"' not in html
    assert "My site · example.com · " + token.masked in html
    assert 'name="pasted_token"' not in html


def test_it_refuses_another_developers_token(outsider_client, issued, sent_urls):
    response = outsider_client.post("/tester/", form_data(token=issued[0].pk))
    assert response.status_code == 200
    assert "Select a valid choice" in "".join(field_errors(response.content.decode(), "token"))
    assert sent_urls == [] and not SentRequest.objects.exists()


def test_it_points_a_developer_without_a_live_token_to_apply(owner_client):
    html = owner_client.get("/tester/?mode=live").content.decode()
    assert "You have no active token yet" in html
    assert 'href="/tokens/"' in html


def test_it_lets_a_visitor_paste_a_token(client, db):
    html = client.get("/tester/").content.decode()
    assert 'name="pasted_token"' in html and 'type="password"' in html
    assert 'name="host"' in html
    assert "Sign in to keep a history" in html


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"my_number": "12"}, "my_number", "not a valid phone number"),
        ({"target_number": "0101111"}, "target_number", "not a valid phone number"),
        ({"my_country": "Narnia"}, "my_country", "Choose a country from the list"),
        ({"my_country": "+1"}, "my_country", "Choose a country from the list"),
        ({"target_country": "zz"}, "target_country", "Choose a country from the list"),
        ({"target_number": "01011111111", "target_country": "us"}, "target_number", "not a valid phone number"),
        ({"message": "x" * 201}, "message", "has 201 characters; the API takes at most 200"),
        ({"message": "line\nbreak"}, "message", "control characters"),
        ({"transport": "jsonp", "callback": "alert(1)"}, "callback", "JavaScript name"),
        ({"transport": "jsonp", "callback": ""}, "callback", "required"),
        ({"action": "neocallback", "target_id": "no spaces"}, "target_id", "letters, digits"),
        ({"action": "neocancel", "target_id": ""}, "target_id", "required"),
        ({"action": "cancel", "target_number": ""}, "target_number", "required"),
        ({"my_number": ""}, "my_number", "required"),
    ],
)
def test_it_shows_the_apis_rules_beside_the_field(owner_client, issued, sent_urls, fields, field, message):
    response = owner_client.post("/tester/", form_data(token=issued[0].pk, **fields))
    html = response.content.decode()
    assert any(message in error for error in field_errors(html, field)), field_errors(html, field)
    assert 'id="exchange"' not in html
    assert sent_urls == []


def test_it_takes_a_longer_message_at_the_limit_set(owner_client, issued, settings, sent_urls):
    settings.API_MESSAGE_MAX_LENGTH = 5
    html = owner_client.post("/tester/", form_data(token=issued[0].pk, message="123456")).content.decode()
    assert "the API takes at most 5" in html


def test_it_ignores_fields_the_action_does_not_use(owner_client, issued, settings, answering_server, sent_urls):
    settings.API_BASE_URL = answering_server(200, [("Content-Type", "application/json")], b'{"result":"success"}')
    data = form_data(token=issued[0].pk, action="neocancel", target_number="bad", target_country="zz", message="\n")
    owner_client.post("/tester/", data)
    assert sent_urls == [f"{settings.API_BASE_URL}/{issued[1]}/neocancel/01010041004/kr/airpagephone"]


@pytest.mark.parametrize(
    "host, message",
    [("", "required"), ("https://example.com/", "without http://"), ("example.com:8080", "without a port")],
)
def test_it_asks_a_visitor_for_a_valid_host_to_post(client, db, sent_urls, host, message):
    html = client.post("/tester/", form_data(pasted_token="x" * 32, host=host, transport="post")).content.decode()
    assert any(message in error for error in field_errors(html, "host"))
    assert sent_urls == []


def test_it_refuses_a_pasted_token_too_long_to_be_an_aes_key(client, db, sent_urls):
    data = form_data(pasted_token="x" * 33, host="example.com", transport="post")
    html = client.post("/tester/", data).content.decode()
    assert any("at most 32 bytes" in error for error in field_errors(html, "pasted_token"))


def test_it_answers_the_pages_script_with_errors_beside_the_fields(owner_client, issued, sent_urls):
    data = form_data(token=issued[0].pk, my_number="12")
    response = owner_client.post("/tester/", data, headers={"Accept": "application/json"})
    body = response.json()
    assert body["valid"] is False and body["result"].strip() == ""
    assert "not a valid phone number" in body["form"]


def history_entry(token):
    return SentRequest.objects.create(
        owner=token.owner,
        token=token,
        action="callback",
        transport="get",
        my_number="01010041004",
        my_country="kr",
        target_number="01011111111",
        target_country="kr",
        message="secret plans",
        method="GET",
        url=f"http://api.test/{token.masked}/callback/01010041004/kr/01011111111/kr/secret%20plans",
        status=200,
        outcome="success",
        elapsed_ms=12.5,
    )


def test_it_lists_the_developers_history(owner_client, issued):
    entry = history_entry(issued[0])
    html = owner_client.get("/tester/").content.decode()
    assert f'data-entry="{entry.pk}"' in html
    assert f"?from={entry.pk}" in html and f"/tester/history/{entry.pk}/resend/" in html


def test_it_hides_a_developers_history_from_an_outsider(outsider_client, issued):
    entry = history_entry(issued[0])
    assert "secret plans" not in outsider_client.get("/tester/").content.decode()
    assert outsider_client.get(f"/tester/?from={entry.pk}").status_code == 404
    assert outsider_client.post(f"/tester/history/{entry.pk}/resend/").status_code == 404


def test_it_answers_404_to_ids_that_cannot_exist(owner_client, issued):
    huge = "9" * 30
    assert owner_client.get(f"/tester/?from={'9' * 18}").status_code == 404
    assert owner_client.get(f"/tester/?from={huge}").status_code == 200  # not an id: the empty form
    assert owner_client.get("/tester/?from=²").status_code == 200
    assert owner_client.post(f"/tester/history/{huge}/resend/").status_code == 404


def test_it_hides_history_from_a_visitor(client, issued):
    entry = history_entry(issued[0])
    assert client.get(f"/tester/?from={entry.pk}").status_code == 404
    assert client.post(f"/tester/history/{entry.pk}/resend/").status_code == 404


def test_it_will_not_resend_with_a_token_no_longer_active(owner_client, issued, sent_urls):
    entry = history_entry(issued[0])
    issued[0].revoke()
    html = owner_client.post(f"/tester/history/{entry.pk}/resend/").content.decode()
    assert "Select a valid choice" in html
    assert sent_urls == []


def test_it_clears_only_the_developers_own_history(owner_client, outsider, issued):
    history_entry(issued[0])
    theirs, _ = ApiToken.issue(outsider, "Their app", "their.example.com")
    history_entry(theirs)
    response = owner_client.post("/tester/history/clear/", {"confirm": "1"}, follow=True)
    assert "Your history is cleared: 1 request deleted." in response.content.decode()
    assert list(SentRequest.objects.values_list("owner", flat=True)) == [outsider.pk]


def test_it_asks_before_clearing_the_history(owner_client, issued):
    history_entry(issued[0])
    history_entry(issued[0])
    html = owner_client.post("/tester/history/clear/").content.decode()
    assert "Delete all 2 requests of your test history? This cannot be undone." in html
    assert '<input type="hidden" name="confirm" value="1">' in html
    assert SentRequest.objects.count() == 2
    html = owner_client.get("/tester/history/clear/").content.decode()
    assert "Delete all 2 requests" in html and SentRequest.objects.count() == 2
    response = owner_client.post("/tester/history/clear/", {"confirm": "1"})
    assert response.status_code == 302 and not SentRequest.objects.exists()


def test_it_speaks_korean(owner_client, issued, settings):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    html = owner_client.get("/tester/").content.decode()
    assert "API 테스트 페이지" in html and "요청 보내기" in html
    assert re.search(r'<option value="kr">대한민국 \(\+82\)</option>', html)
    html = owner_client.post("/tester/", form_data(token=issued[0].pk, my_number="12")).content.decode()
    assert "선택한 국가의 올바른 전화번호가 아닙니다." in field_errors(html, "my_number")
