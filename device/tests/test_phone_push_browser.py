"""The virtual phone's Web Push in headless Chromium: it asks for permission on a click, never on load, registers
its service worker at the site's root and registers the subscription with PUT /device/v1/push; the service worker
shows a notification for a push that arrives while no tab of the site is visible, and closes it on a withdrawal.

Headless Chromium reaches no push service (pushManager.subscribe fails there, and the page says so): the push
events are handed to the service worker by the DevTools protocol (ServiceWorker.deliverPushMessage, what DevTools'
"Push" button does), with the JSON payload the server encrypts (device.push.webpush.payload), which the browser
would have decrypted. The encryption itself is checked against the Web Push stand-in (test_push_sending.py)."""

import json
import time

import pytest
from playwright.sync_api import expect

from device.models import DeviceKey

pytestmark = pytest.mark.browser

COUNT_PERMISSION_ASKS = """
window.permissionAsks = 0;
const ask = Notification.requestPermission.bind(Notification);
Notification.requestPermission = (...args) => { window.permissionAsks += 1; return ask(...args); };
"""


@pytest.fixture
def vapid(settings, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from device.push import webpush

    key_file = tmp_path / "vapid.pem"
    key_file.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    settings.PUSH_VAPID_PRIVATE_KEY_FILE, settings.PUSH_VAPID_SUBJECT = str(key_file), "mailto:push@callbacknow.test"
    webpush._vapid.cache_clear()
    yield webpush.public_key()
    webpush._vapid.cache_clear()


@pytest.fixture
def phone_page(page, live_server, target, vapid):
    _key, plaintext = DeviceKey.issue(target, "Browser")
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.add_init_script(COUNT_PERMISSION_ASKS)
    page.goto("/phone/")
    page.fill("#id_key", plaintext)
    page.click("#phone-key-form button[type=submit]")
    expect(page.locator("#phone-screen")).to_be_visible()
    return page


def test_it_asks_for_notifications_on_a_click_never_on_load(phone_page, vapid):
    expect(phone_page.locator("#phone-push-button")).to_be_visible()
    assert phone_page.evaluate("window.permissionAsks") == 0
    assert phone_page.locator("#phone-push").get_attribute("data-vapid") == vapid

    phone_page.click("#phone-push-button")

    expect(phone_page.locator("#phone-push-status")).to_have_text(
        "This browser cannot reach a push service: no notifications."  # headless Chromium: no push service
    )
    assert phone_page.evaluate("window.permissionAsks") == 1
    scope = phone_page.evaluate("navigator.serviceWorker.ready.then((registration) => registration.scope)")
    assert scope == phone_page.url.split("/phone/")[0] + "/"  # the site's root


def test_it_offers_no_push_where_the_server_has_no_vapid_key(page, live_server, target, settings):
    settings.PUSH_VAPID_PRIVATE_KEY_FILE = ""
    _key, plaintext = DeviceKey.issue(target, "Browser")
    page.goto("/phone/")
    page.fill("#id_key", plaintext)
    page.click("#phone-key-form button[type=submit]")
    expect(page.locator("#phone-screen")).to_be_visible()

    assert page.locator("#phone-push").count() == 0


def deliver_push(page, origin, message):
    """Hands a push message to the site's service worker through the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    registrations = []
    session.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    session.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    registration = next(found for found in registrations if found["scopeURL"] == origin + "/")
    session.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": registration["registrationId"], "data": json.dumps(message)},
    )
    session.detach()


def notifications(worker):
    """The notifications the service worker's registration shows, read in the service worker."""
    return worker.evaluate(
        """self.registration.getNotifications()
           .then((shown) => shown.map((n) => ({title: n.title, body: n.body, tag: n.tag})))"""
    )


def shown_within(page, worker, count, seconds=10):
    """The notifications shown, once there are `count` of them (or after `seconds`)."""
    deadline = time.monotonic() + seconds
    while len(found := notifications(worker)) != count and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return found


def test_its_service_worker_shows_a_request_that_arrives_while_hidden_and_closes_it_when_withdrawn(
    phone_page, live_server
):
    phone_page.click("#phone-push-button")
    expect(phone_page.locator("#phone-push-status")).not_to_be_empty()
    [worker] = phone_page.context.service_workers
    sent = {"call_request_id": "cr_8mQ2xY7bK4pL9sT1vW3zA6", "action": "send", "title": "+821010041004", "body": "hi"}

    deliver_push(phone_page, live_server.url, sent)  # the phone's tab is visible: it shows the request itself
    phone_page.wait_for_timeout(500)
    assert notifications(worker) == []

    phone_page.goto("about:blank")  # no tab of the site is left visible: the phone sleeps
    deliver_push(phone_page, live_server.url, sent)
    assert shown_within(phone_page, worker, 1) == [
        {"title": "+821010041004", "body": "hi", "tag": "call-request-cr_8mQ2xY7bK4pL9sT1vW3zA6"}
    ]

    deliver_push(phone_page, live_server.url, {"call_request_id": sent["call_request_id"], "action": "withdraw"})
    assert shown_within(phone_page, worker, 0) == []
