"""The README's receiver, extracted from README.md and run as it is, against real signed deliveries."""

import os
import re
import socket
import subprocess
import sys
import time

import pytest
import requests

from api.models import CallRequest
from lib.phones import normalise
from tests.helpers import ROOT
from webhooks import delivery, signing
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)


def readme_receiver():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("\n## Webhooks\n") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def running_receiver(tmp_path, token):
    """The README's code in its own process; (its URL, the endpoint pointing at it, its secret, the process)."""
    port = free_port()
    endpoint, secret = WebhookEndpoint.add(token, f"http://127.0.0.1:{port}/", ["call_request.created"])
    script = tmp_path / "receiver.py"
    script.write_text(readme_receiver())
    env = {**os.environ, "WEBHOOK_SECRET": secret, "PORT": str(port)}
    process = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield endpoint.url, endpoint, process
    process.kill()
    process.wait(timeout=10)


def test_it_is_fifteen_lines():
    assert len([line for line in readme_receiver().splitlines() if line.strip()]) == 15


def test_it_accepts_real_deliveries_and_refuses_a_tampered_body(running_receiver, target, token):
    url, endpoint, process = running_receiver
    test = delivery.send_test_event(endpoint)
    delivery.attempt(test.pk)
    call_request = CallRequest.request_call(normalise("01010041004", "kr"), target, "please call", token)[0]
    [created] = delivery.dispatch(WebhookEvent.objects.about(call_request.public_id).get().pk)
    delivery.attempt(created)

    attempts = [WebhookDelivery.objects.get(pk=pk).attempts.get() for pk in (test.pk, created)]
    assert [(a.status, a.error) for a in attempts] == [(204, ""), (204, "")]

    # The same signed request with one byte of the body changed is refused.
    event = test.event
    now = int(time.time())
    signature = signing.signature_header(endpoint.secrets_in_force(), event.public_id, now, event.body)
    headers = {"webhook-id": event.public_id, "webhook-timestamp": str(now), "webhook-signature": signature}
    tampered = event.body.replace("test event", "test evenT")
    assert requests.post(url, data=tampered.encode(), headers=headers, timeout=5).status_code == 400
    assert requests.post(url, data=event.body.encode(), headers=headers, timeout=5).status_code == 204

    process.kill()
    printed = process.communicate(timeout=10)[0].decode().splitlines()
    assert printed == ["webhook.test None", f"call_request.created {call_request.public_id}", "webhook.test None"]
