"""The API reference's search box (Redoc's) on a laptop (1280 px, in the side menu) and a phone (390 px, in the menu
its floating button opens), in Korean and English: wholly inside its menu, its text clear of the magnifier; and it
finds an operation."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}


def search_box_geometry(page):
    return page.evaluate("""() => {
        const input = document.querySelector('#redoc input.search-input');
        const box = input.getBoundingClientRect(), menu = input.closest('.menu-content').getBoundingClientRect();
        const icon = input.parentElement.querySelector('svg').getBoundingClientRect();
        const textStart = box.left + parseFloat(getComputedStyle(input).paddingLeft);
        return {box: [box.left, box.right], menu: [menu.left, menu.right], icon: icon.right, text: textStart};
    }""")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_shows_the_reference_search_box_whole(visitor, size, language):
    me = visitor(f"{size}-{language}", locale=language)
    me.page.set_viewport_size(SIZES[size])
    page = me.visit("/reference/", "reference", full_page=False)
    expect(page.locator("#redoc h2").first).to_be_visible()
    if size == "phone":
        page.locator("#redoc .menu-content + div").click()  # Redoc's floating menu button
    search = page.locator("#redoc input.search-input")
    expect(search).to_be_visible()
    me.snap("menu", full_page=False)

    geometry = search_box_geometry(page)
    left, right = geometry["box"]
    assert geometry["menu"][0] <= left and right <= geometry["menu"][1], (
        f"the search box overflows its menu: {geometry}"
    )
    assert right <= SIZES[size]["width"]
    assert geometry["icon"] <= geometry["text"], f"the magnifier covers the typed text: {geometry}"

    search.fill("neocancel")
    expect(page.locator("#redoc [role=search] li, #redoc .search-input ~ * li").first).to_be_visible()
    me.snap("searched", full_page=False)
    assert not me.problems
