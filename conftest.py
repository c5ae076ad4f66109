"""Fixtures shared by every app's tests: a developer who owns things, an outsider who must not see them, staff."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache

PASSWORD = "correct horse battery staple 42"


def make_developer(email, staff=False):
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD, is_staff=staff, is_superuser=staff
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real password checks without PBKDF2's deliberate slowness: the suite creates many developers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request in Korean leaves Korean active on the thread."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters, replay memory and allauth's used codes live in the cache: none leaks between tests
    (nor the API's per-process rate-limit counts and remembered tokens)."""
    from api import callers, rate_limits

    cache.clear()
    rate_limits.reset()
    callers.forget()
    yield
    cache.clear()
    rate_limits.reset()
    callers.forget()


@pytest.fixture
def clear_of_a_minute_s_end():
    """Starts the test at least two seconds before a minute ends. Counted in this process's memory (no Redis), a
    sliding window's minutes are the clock's, and limits rounds the last minute's weighted count down: calls that
    use up a quota just before a minute ends leave room for one more just after it. A test that counts to a quota
    in a second or two is not about that edge (test_rate_limit's minute's-end test is)."""
    import time

    left = 60 - time.time() % 60
    if left < 2:
        time.sleep(left + 0.05)


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on: a service that is down."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_redis(closed_port):
    """CACHES pointing at a Redis that does not answer (use with override_settings)."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def developer(db):
    return make_developer("owner@example.com")


@pytest.fixture
def outsider(db):
    return make_developer("outsider@example.com")


@pytest.fixture
def staff(db):
    return make_developer("staff@example.com", staff=True)


@pytest.fixture
def issued(developer):
    """An active token for example.com owned by `developer`, as issued before key restrictions (legacy: a header
    present must name the host, a call with none passes), the rule the wire protocol's tests were written for:
    (token, plaintext). website_token and server_token are tokens issued today."""
    from accounts.models import ApiToken
    from accounts.restrictions import Restriction

    token, plaintext = ApiToken.issue(developer, "My site", "example.com")
    ApiToken.objects.filter(pk=token.pk).update(restriction=Restriction.LEGACY)
    token.refresh_from_db()
    return token, plaintext


@pytest.fixture
def website_token(developer):
    """A live token for example.com restricted to websites, as one is issued by default: (token, plaintext)."""
    from accounts.models import ApiToken

    return ApiToken.issue(developer, "My site", "example.com")


@pytest.fixture
def target(db):
    """The seed's demo target (01011111111/kr, operator SRTelecom, ID airpagephone), as the demo data has it."""
    from api import demo
    from api.models import Subscriber

    demo.load(None)
    return Subscriber.objects.get(public_id="airpagephone")


@pytest.fixture
def owner_client(client, developer):
    client.force_login(developer)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright, shared by the session's browser tests."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser context (own cookies) and page; English unless a test asks otherwise."""
    context = chromium.new_context(locale="en-US", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Real `manage.py run_huey` processes on the test database and queue (tests.workers): `workers.start()`."""
    from huey.contrib.djhuey import HUEY

    from tests.workers import Workers

    HUEY.flush()  # tasks that earlier tests queued and nobody ran
    pool = Workers(tmp_path)
    yield pool
    pool.stop()
    HUEY.flush()
    print(pool.output())
    assert "Traceback" not in pool.output(), "a worker raised"
