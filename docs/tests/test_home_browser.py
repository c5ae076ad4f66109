"""The documentation page and its JSONP example page in a real browser."""

import json

import pytest
from playwright.sync_api import expect

from accounts.models import ApiToken

pytestmark = pytest.mark.browser


def visible_country_rows(page):
    return page.locator("#country-table tbody tr:not(.no-match):visible")


def test_it_filters_the_country_table_as_you_type(page):
    page.goto("/#countries")
    assert visible_country_rows(page).count() == 245
    page.fill("#country-q", "대한")
    assert visible_country_rows(page).count() == 1
    assert visible_country_rows(page).first.inner_text().split("\t")[:2] == ["KR", "+82"]
    assert page.inner_text("#country-count") == "Showing 1 of 245"
    page.fill("#country-q", "aland")
    assert "Åland Islands" in visible_country_rows(page).first.inner_text()
    page.fill("#country-q", "no such place")
    assert visible_country_rows(page).count() == 0
    assert page.locator("tr.no-match").is_visible()
    page.fill("#country-q", "")
    assert visible_country_rows(page).count() == 245


def test_it_finds_everyday_names_and_dialling_codes_as_you_type(page):
    page.goto("/#countries")

    def codes(query):
        page.fill("#country-q", query)
        return [row.split("\t")[0] for row in visible_country_rows(page).all_inner_texts()]

    assert codes("한국") == ["KR"]
    assert codes("남한") == ["KR"]
    assert codes("북한") == ["KP"]
    assert codes("UK") == ["UA", "GB"]
    assert codes("+82") == ["KR"]
    assert page.inner_text("#country-count") == "Showing 1 of 245"
    assert codes("+382") == ["ME"]
    starting_with_8 = codes("+8")
    assert {"KR", "KP", "JP", "CN"} <= set(starting_with_8) and "CK" not in starting_with_8


def test_it_shows_all_rows_again_after_a_server_side_filter(page):
    page.goto("/?q=korea#countries")
    assert visible_country_rows(page).count() == 2
    page.fill("#country-q", "")
    assert visible_country_rows(page).count() == 245


def test_it_copies_an_example(page):
    page.goto("/")
    button = page.locator('button[data-copy-target="#get-callback"]')
    button.click()
    # The label changes when the clipboard's promise settles: wait for it rather than read at once.
    expect(button).to_have_text("Copied")


def test_it_switches_to_korean_and_remembers_it(page):
    page.goto("/")
    page.select_option("#lang-select", "ko")
    page.wait_for_selector("html[lang=ko]")
    assert page.inner_text("#get-heading") == "A. GET으로 호출하기"
    page.goto("/#countries")
    assert page.inner_text("#countries-heading") == "I. 국가별 ISO 코드"


def test_it_calls_the_api_from_the_jsonp_example_page(page, local_token):
    plaintext = local_token
    page.goto("/examples/jsonp/")
    assert page.input_value("#api") == page.evaluate("location.origin")
    page.fill("#token", plaintext)
    page.click("button[type=submit]")
    expect(page.locator("#jsonp-answer")).to_contain_text("result")
    answer = page.inner_text("#jsonp-answer")
    assert '"result": "success"' in answer and '"opname": "SRTelecom"' in answer
    assert plaintext not in page.inner_text("#jsonp-url")
    page.select_option("#action", "cancel")
    page.click("button[type=submit]")
    expect(page.locator("#jsonp-answer")).to_contain_text("result")
    assert '"result": "success"' in page.inner_text("#jsonp-answer")
    page.click("button[type=submit]")
    expect(page.locator("#jsonp-answer")).to_contain_text("nothing pending")
    # By ID, with the same page: neocallback, then neocancel.
    for action in ("neocallback", "neocancel"):
        page.select_option("#action", action)
        page.click("button[type=submit]")
        expect(page.locator("#jsonp-answer")).to_contain_text("result")
        assert '"result": "success"' in page.inner_text("#jsonp-answer"), action
        assert f"/{action}/01010041004/kr/airpagephone" in page.inner_text("#jsonp-url")


def test_it_shows_the_api_s_refusal_on_a_page_of_another_host(page, issued, demo_target):
    _token, plaintext = issued  # bound to example.com, while this page is on localhost
    page.goto("/examples/jsonp/")
    page.fill("#token", plaintext)
    page.click("button[type=submit]")
    expect(page.locator("#jsonp-answer")).to_contain_text("result")
    assert '"reason": "host mismatch"' in page.inner_text("#jsonp-answer")


@pytest.fixture
def local_token(developer, demo_target):
    """The plaintext of a token bound to localhost, the live server's host."""
    return ApiToken.issue(developer, "Local page", "localhost")[1]


@pytest.fixture
def scripted_page(chromium, live_server):
    """A page that may run pasted snippets (the site's CSP forbids inline script, as it should)."""
    context = chromium.new_context(locale="en-US", base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_it_runs_the_jsonp_snippet_in_a_page(scripted_page, local_token):
    page = scripted_page
    page.goto("/")
    snippet = page.inner_text("#js-jsonp").replace("YOUR_TOKEN", local_token)
    with page.expect_console_message(predicate=lambda message: message.type == "log") as message:
        page.set_content(snippet)  # markup: the page it is pasted into, on the token's host
    assert message.value.text == '{"result":"success","opname":"SRTelecom","iso":"kr","phone_number":"01011111111"}'
    assert json.loads(message.value.text) == {
        "result": "success",
        "opname": "SRTelecom",
        "iso": "kr",
        "phone_number": "01011111111",
    }


def test_it_runs_the_fetch_snippet_in_a_page(scripted_page, local_token):
    page = scripted_page
    page.goto("/")
    with page.expect_console_message(predicate=lambda message: message.type == "log") as message:
        page.add_script_tag(content=page.inner_text("#js-fetch").replace("YOUR_TOKEN", local_token))
    # The answer's body as it came: result and reason of the cancel with nothing pending.
    assert message.value.text == '{"result":"failed","reason":"nothing pending to cancel"}'


def test_it_keeps_the_section_when_switching_language(page):
    page.goto("/#responses")
    with page.expect_navigation():
        page.select_option("#lang-select", "ko")
    assert page.url.endswith("/#responses")
    assert page.locator("html").get_attribute("lang") == "ko"
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.url.endswith("/#responses")
    assert page.locator("html").get_attribute("lang") == "en"
