import pytest


@pytest.mark.browser
def test_it_renders_the_home_page_in_chromium(page):
    page.goto("/")
    assert page.locator("nav .brand").inner_text().startswith("CallbackNow")
