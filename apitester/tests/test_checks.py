"""The deploy check that keeps the test page's address out of the Host header's hands."""

from apitester.checks import api_base_url_is_set


def test_it_warns_in_production_without_an_api_address(settings):
    settings.DEBUG, settings.API_BASE_URL = False, ""
    [warning] = api_base_url_is_set(None)
    assert warning.id == "apitester.W001"


def test_it_is_content_with_an_api_address_or_in_development(settings):
    settings.DEBUG, settings.API_BASE_URL = False, "https://developers.example.com"
    assert api_base_url_is_set(None) == []
    settings.DEBUG, settings.API_BASE_URL = True, ""
    assert api_base_url_is_set(None) == []
