"""Schemathesis against a live server: every operation of /openapi.json with its examples, fuzzed input, edge
cases and undeclared methods (the coverage phase), answered as the document says: status, headers, body, 405 with
Allow, no 5xx, valid input accepted and invalid input refused.

The run goes through schemathesis's engine, as its command line does (its pytest plugin's lazy loader, which a
live server needs, does not run on pytest 9). Bounded for CI: a fixed seed and a few dozen examples an operation.
The Open API's GET paths and its POST are called with made-up tokens, so their answers are the refusals that the
document lists; the device API with a real device key.
"""

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from device.models import DeviceKey

MAX_EXAMPLES = 25


@pytest.fixture
def api_schema(transactional_db, live_server, target, settings):
    # Thousands of refused calls from one address within a minute: its allowance must not end the run.
    settings.API_REFUSED_PER_ADDRESS_PER_MINUTE = 1_000_000
    _key, device_key = DeviceKey.issue(target, "Schemathesis")
    config = SchemathesisConfig.from_dict(
        {
            "seed": 15,  # the same cases on every run: a failure seen in CI is one to reproduce here
            "generation": {"max-examples": MAX_EXAMPLES},
            "headers": {"Authorization": f"Bearer {device_key}"},
            # A long poll answers after `wait` seconds, and a run of them would take minutes; it has its own
            # tests (device/tests/test_call_requests.py). Here the list answers at once.
            "parameters": {"query.wait": 0},
            "phases": {"stateful": {"enabled": False}},
            "cache": {"enabled": False},  # no .schemathesis/ left in the work tree
        }
    )
    schema = schemathesis.openapi.from_url(f"{live_server.url}/openapi.json", config=config)
    # The event stream never ends by itself (device/tests/test_events.py reads it as a phone does).
    # A push target is valid by more than its shape: a P-256 point, a host that resolves to a public address, which
    # no schema says; schema-valid made-up ones are refused with their reason (device/tests/test_push.py).
    return schema.exclude(path_regex="^/device/v1/events$").exclude(method="PUT", path="/device/v1/push")


def problems(schema):
    """What the run found, one readable line each (with a curl command to reproduce it)."""
    found = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.NonFatalError | events.FatalError):
            found.append(f"error: {event.info.format()}")
        elif isinstance(event, events.ScenarioFinished) and event.status == Status.FAILURE:
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        found.append(
                            f"{event.label}: {failure.title}: {failure.message}\n{check.failure_info.code_sample}"
                        )
    return sorted(set(found))


def test_it_answers_as_the_openapi_document_says(api_schema):
    found = problems(api_schema)
    assert not found, "\n\n".join(found)
