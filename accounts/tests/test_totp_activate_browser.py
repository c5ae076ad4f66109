"""The TOTP set-up page on a phone: the secret in whole, within the screen."""

import pytest
from django.urls import reverse

from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_it_shows_the_whole_secret_within_the_screen(page, live_server, developer, password, language, width):
    page.set_viewport_size({"width": width, "height": 844})
    sign_in_browser(page.context, developer, live_server, password=password, language=language)
    page.goto(reverse("mfa_activate_totp"))
    secret = page.locator("#authenticator_secret")
    assert len(secret.inner_text()) >= 16
    box = secret.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") == width
    assert page.locator('a[href^="otpauth://totp/"]').is_visible()
