"""The layout's menu on a phone (390 px) and a laptop (1280 px), in Korean and English: every link a signed-in
developer (staff too, with the longest menu) has is on the screen, none scrolled out of sight."""

import pytest

from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}
PAGES = [("/", "docs"), ("/tokens/", "tokens"), ("/tester/", "test-page")]


def items_off_screen(page, width):
    """The menu's items (brand, links, language) whose box is not wholly within the window's width, with their box."""
    return page.evaluate(
        """width => [...document.querySelectorAll('.nav .brand, .nav-links a, .lang-switch select')]
            .map(item => [item.textContent.trim(), item.getBoundingClientRect()])
            .filter(([, box]) => box.left < 0 || box.right > width || box.width === 0)
            .map(([name, box]) => `${name}: ${box.left}-${box.right}`)""",
        width,
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_shows_every_menu_item_of_a_signed_in_developer_within_the_screen(
    visitor, live_server, staff, size, language
):
    me = visitor(f"{size}-{language}", locale=language)
    me.page.set_viewport_size(SIZES[size])
    sign_in_browser(me.context, staff, live_server, language=language)
    width = SIZES[size]["width"]
    for path, name in PAGES:
        page = me.visit(path, name, full_page=False)
        assert page.locator(".nav-links a").count() == 7  # docs, test page, phone, tokens, account, admin, sign out
        assert items_off_screen(page, width) == [], f"{path}: menu items off the screen"
        assert page.evaluate("document.documentElement.scrollWidth") == width, f"{path} scrolls sideways"
        sign_out = page.locator(".nav-links a", has_text="로그아웃" if language == "ko" else "Sign out")
        assert sign_out.is_visible()
    assert not me.problems


@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_shows_a_visitors_menu_within_a_phones_screen(visitor, language):
    me = visitor(f"visitor-{language}", locale=language)
    me.page.set_viewport_size(SIZES["phone"])
    page = me.visit("/", "docs", full_page=False)
    assert page.locator(".nav-links a").count() == 5
    assert items_off_screen(page, 390) == []
    rows = page.evaluate("[...new Set([...document.querySelectorAll('.nav-links a')].map(a => a.offsetTop))]")
    assert len(rows) == 1, "a visitor's five links take more than one row"
