"""In Chromium, at 390 and 1280 px, in Korean and English: from the token's page a developer adds an endpoint,
copies its secret, sends a test event and sees it delivered in the log; no page scrolls sideways. Screenshots of
every page go to test-artifacts/screenshots/."""

import pytest
from django.urls import reverse
from standardwebhooks import Webhook

from tests.helpers import ROOT, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WORDS = {
    "en": {"webhooks": "Webhooks", "secret": "Your signing secret", "log": "Delivery log", "delivered": "Delivered"},
    "ko": {"webhooks": "웹훅", "secret": "서명 비밀 키", "log": "전송 기록", "delivered": "전달됨"},
}


@pytest.mark.parametrize(("width", "language"), [(390, "ko"), (390, "en"), (1280, "ko"), (1280, "en")])
def test_it_adds_an_endpoint_and_sees_a_test_event_delivered(
    chromium, live_server, developer, token, receiver, immediate_queue, width, language
):
    context = chromium.new_context(
        locale={"ko": "ko-KR", "en": "en-US"}[language],
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
    )
    sign_in_browser(context, developer, live_server, language=language)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    # Script errors, CSP refusals and any of the page's own resources that failed (the browser's favicon is not one).
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and problems.append(message.text)
        ),
    )
    page.on(
        "response", lambda response: response.status >= 400 and problems.append(f"{response.status} {response.url}")
    )
    words, shots = WORDS[language], []

    def snap(label):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"webhooks-{width}-{language}-{len(shots) + 1:02d}-{label}.png"
        page.screenshot(path=path, full_page=True)
        shots.append(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{label}: the page scrolls sideways by {overflow} px at {width} px"

    page.goto(reverse("accounts:token_detail", args=[token.pk]))
    snap("token")
    page.locator(f'#webhooks a[href="{reverse("webhooks:endpoint_list", args=[token.pk])}"]').click()
    assert page.locator("h1").inner_text() == words["webhooks"]
    snap("endpoints-empty")
    page.locator(f'a.button[href="{reverse("webhooks:endpoint_add", args=[token.pk])}"]').first.click()
    page.locator("#id_url").fill(receiver.url)
    assert page.locator('input[name="events"]:checked').count() == 7
    snap("add")
    page.locator('form.card button[type="submit"]').click()

    assert page.locator("h1").inner_text() == words["secret"]
    secret = page.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    snap("secret")
    page.locator("main p > a.button").first.click()  # Done

    assert page.locator("#masked-secret").inner_text().endswith(secret[-4:]) and secret not in page.content()
    snap("endpoint")
    page.locator('form[action$="/test/"] button').click()

    assert page.locator("h1").inner_text() == words["log"]
    card = page.locator("#deliveries > li").first
    assert card.locator(".event-type").inner_text() == "webhook.test"
    assert card.locator(".badge").inner_text() == words["delivered"]
    assert card.locator(".attempt-status").inner_text() == "200"
    card.locator("details.sent-body summary").click()
    snap("log")

    received = receiver.wait_for(1)[0]
    assert Webhook(secret).verify(received.body, received.headers)["type"] == "webhook.test"
    assert card.locator(".webhook-id").inner_text() == received.headers["webhook-id"]
    assert card.locator("details.sent-body code").inner_text() == received.body
    assert problems == []
    context.close()
