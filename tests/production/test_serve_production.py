"""scripts/serve-production.sh: gunicorn on PostgreSQL and Redis with DEBUG off, as a machine behind a balancer runs it."""

import os
import re
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests

from tests.helpers import ROOT

SCRIPT = ROOT / "scripts" / "serve-production.sh"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_it_refuses_to_start_without_the_production_variables(production_env):
    del production_env["REDIS_URL"]

    result = subprocess.run(["bash", SCRIPT], env=production_env, capture_output=True, text=True, timeout=30)

    assert result.returncode == 2
    assert "set REDIS_URL" in result.stderr


def test_it_refuses_a_sqlite_database(production_env):
    production_env["DATABASE_URL"] = "sqlite:////tmp/callbacknow.sqlite3"

    result = subprocess.run(["bash", SCRIPT], env=production_env, capture_output=True, text=True, timeout=30)

    assert result.returncode == 2
    assert "PostgreSQL" in result.stderr


@pytest.fixture
def own_database():
    """A fresh PostgreSQL database on the server of $DATABASE_URL, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not os.environ.get("REDIS_URL"):
        pytest.skip("runs on the PostgreSQL + Redis pass: set DATABASE_URL (postgres://…) and REDIS_URL")
    parts = urlsplit(url)
    name = f"cbn_serve_production_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def served(production_env, own_database):
    """The portal served by the script on a free loopback port; yields its base URL."""
    port = free_port()
    production_env.update(
        DATABASE_URL=own_database,
        REDIS_URL=os.environ["REDIS_URL"],
        ALLOWED_HOSTS="developers.callbacknow.test",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        BEHIND_PROXY="true",
    )
    server = subprocess.Popen(
        ["bash", SCRIPT], env=production_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # not up yet, or still starting its workers
                time.sleep(0.5)
        else:
            pytest.fail("serve-production.sh did not come up:\n" + server.stdout.read().decode())
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_it_serves_the_portal_over_gunicorn(served):
    behind_balancer = {"Host": "developers.callbacknow.test", "X-Forwarded-Proto": "https"}

    page = requests.get(served + "/accounts/login/", headers=behind_balancer, timeout=10)

    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert all(cookie.secure for cookie in page.cookies)
    assert "Traceback" not in page.text


def test_it_moves_plain_http_pages_to_https(served):
    page = requests.get(
        served + "/accounts/login/", headers={"Host": "developers.callbacknow.test"}, allow_redirects=False, timeout=10
    )

    assert page.status_code == 301
    assert page.headers["Location"] == "https://developers.callbacknow.test/accounts/login/"


def test_it_serves_hashed_static_files_for_ever(served):
    behind_balancer = {"Host": "developers.callbacknow.test", "X-Forwarded-Proto": "https"}
    page = requests.get(served + "/accounts/login/", headers=behind_balancer, timeout=10)
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text).group(1)

    response = requests.get(served + stylesheet, headers=behind_balancer, timeout=10)

    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]


def test_it_refuses_an_unknown_host(served):
    response = requests.get(
        served + "/accounts/login/",
        headers={"Host": "evil.example", "X-Forwarded-Proto": "https"},
        allow_redirects=False,
        timeout=10,
    )

    assert response.status_code == 400


def test_it_keeps_health_and_the_api_quick_while_one_device_key_opens_24_waits(served, production_env):
    """The long-poll attack of issue 21: the waits are held by the phone servers, two of them (the key's share),
    the rest refused at once; /healthz and an Open API call never queue behind them."""
    from tests.helpers import manage

    manage(production_env, "register_subscriber", "01011111111", "kr", "--operator", "SRTelecom")
    key = re.search(r"cbnd_\w{32}", manage(production_env, "device_key", "01011111111", "kr").stdout).group()
    developer = "from conftest import make_developer; make_developer('ops@callbacknow.test')"
    manage(production_env, "shell", "-c", developer)
    token = re.search(
        r"cbn_\w{28}",
        manage(production_env, "issue_token", "ops@callbacknow.test", "developers.callbacknow.test").stdout,
    ).group()
    behind_balancer = {"Host": "developers.callbacknow.test", "X-Forwarded-Proto": "https"}
    phone = {**behind_balancer, "Authorization": f"Bearer {key}"}

    with ThreadPoolExecutor(24) as pool:
        waits = [
            pool.submit(requests.get, served + "/device/v1/call-requests?wait=6", headers=phone, timeout=30)
            for _ in range(24)
        ]
        time.sleep(1.5)
        started = time.monotonic()
        health = requests.get(served + "/healthz", headers=behind_balancer, timeout=5)
        health_took = time.monotonic() - started
        started = time.monotonic()
        call = requests.get(  # from a page of the token's website (a websites token, issue_token's default)
            f"{served}/{token}/callback/01010041004/kr/01011111111/kr/hello",
            headers={**behind_balancer, "Referer": "https://developers.callbacknow.test/"},
            timeout=5,
        )
        call_took = time.monotonic() - started
        statuses = sorted(wait.result().status_code for wait in waits)

    print(f"\n24 waits of one key held: /healthz {health_took:.3f} s, a callback {call_took:.3f} s")
    assert (health.status_code, call.json()["result"]) == (200, "success")
    assert health_took < 0.5 and call_took < 0.5
    assert statuses == [200, 200] + [429] * 22
