"""Test mode's vocabulary: the reserved range of test phone numbers and the magic numbers. Pure, no database.

Test tokens (cbn_test_…) reach only test subscribers, live tokens only live ones. Test subscribers' numbers come
from a range reserved for them, which no live subscriber may have: Korean mobile numbers 010-0000-0000 to
010-0009-9999 (+82 10-0000-0000 … +82 10-0009-9999), unassigned to any real phone. Test phone IDs start with
"test-". The magic numbers and IDs below are the same for every developer and are answered the same way each time:
an outcome played through the real state machine (and so the real webhooks), or a failure reason. They are listed
on the documentation page and in /openapi.json; the numbers and IDs never change once published.
"""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from api import reasons

TEST_COUNTRY = "KR"
FIRST_TEST_NUMBER = "+821000000000"
LAST_TEST_NUMBER = "+821000099999"
# Developers' virtual test phones are given numbers from here up (below: the magic numbers and room for more).
FIRST_PHONE_NUMBER = "+821000010000"
TEST_ID_PREFIX = "test-"
# How long a magic number's call request stays open before it expires (not the live TTL of a day).
MAGIC_TTL_SECONDS = 30


def is_test_number(e164):
    """Whether an E.164 number lies in the range reserved for test subscribers."""
    return len(e164) == len(FIRST_TEST_NUMBER) and FIRST_TEST_NUMBER <= e164 <= LAST_TEST_NUMBER


def is_test_id(public_id):
    return (public_id or "").strip().lower().startswith(TEST_ID_PREFIX)


def national(e164):
    """The reserved range's numbers as people dial them in Korea: "+821000000001" → "01000000001"."""
    return "0" + e164.removeprefix("+82")


class Step(NamedTuple):
    after_seconds: float
    state: str  # a CallRequest.State value


class Outcome(NamedTuple):
    """A magic target that a call request is played to: its state changes, each after its delay from creation."""

    code: str
    number: str  # E.164
    public_id: str
    steps: tuple
    description: str

    @property
    def national_number(self):
        return national(self.number)

    def explained(self):
        """The description in the reader's language."""
        return (
            str(self.description) % {"seconds": MAGIC_TTL_SECONDS}
            if "%(" in str(self.description)
            else self.description
        )


class Failure(NamedTuple):
    """A magic target that always answers this failure reason."""

    number: str
    reason: reasons.Reason
    description: str

    @property
    def national_number(self):
        return national(self.number)


OUTCOMES = [
    Outcome(
        "answered",
        "+821000000001",
        "test-answers",
        (Step(0.5, "delivered"), Step(1.0, "seen"), Step(2.0, "answered")),
        _("Delivered, seen, then answered about 2 s after the request."),
    ),
    Outcome(
        "declined",
        "+821000000002",
        "test-declines",
        (Step(0.5, "delivered"), Step(1.0, "seen"), Step(2.0, "declined")),
        _("Delivered, seen, then declined about 2 s after the request."),
    ),
    Outcome(
        "unanswered",
        "+821000000003",
        "test-never-answers",
        (Step(0.5, "delivered"),),
        _("Delivered but never answered: expires after %(seconds)s s."),
    ),
    Outcome(
        "phone_off",
        "+821000000004",
        "test-phone-off",
        (),
        _("Never delivered (the phone is off): stays pending, then expires after %(seconds)s s."),
    ),
]

# One magic number for each failure that depends on the target or on the service rather than on what the caller
# typed (a caller makes "missing parameter" or "unknown token" by sending it): the reason, as the live API says it.
FAILURES = [
    Failure("+821000000010", reasons.TARGET_NOT_REGISTERED, _("Not a CallbackNow user.")),
    Failure("+821000000011", reasons.INVALID_NUMBER, _("Answered as an invalid number.")),
    Failure("+821000000012", reasons.NOTHING_PENDING, _("A cancel finds nothing open; a callback is refused alike.")),
    Failure("+821000000013", reasons.RATE_LIMITED, _("Answered as over the rate limit (429, Retry-After).")),
    Failure("+821000000014", reasons.SERVICE_UNAVAILABLE, _("Answered as a service outage (503); nothing changes.")),
]
# The ID that neocallback and neocancel find no one by (the other magic IDs are the outcomes').
UNREGISTERED_ID = "test-not-registered"

OUTCOME_BY_NUMBER = {outcome.number: outcome for outcome in OUTCOMES}
OUTCOME_BY_ID = {outcome.public_id: outcome for outcome in OUTCOMES}
FAILURE_BY_NUMBER = {failure.number: failure for failure in FAILURES}


def magic_target(e164, public_id):
    """What a test token's call to this target (its E.164 number, or None when named by its ID) is played as: the
    Failure its number answers, the Outcome its number or ID is played to, or None (any other target)."""
    if e164 is None:
        return OUTCOME_BY_ID.get(public_id.strip().lower())
    return FAILURE_BY_NUMBER.get(e164) or OUTCOME_BY_NUMBER.get(e164)


def world_refusal(test_token, in_test_range, not_registered):
    """Why a token found no one: the target lies in the other world, or it is simply not registered.

    A test token is told about any target outside test mode, registered or not: test tokens, which need no
    approval, must not tell who is a CallbackNow user.
    """
    if test_token and not in_test_range:
        return reasons.TEST_TOKEN_LIVE_TARGET
    if not test_token and in_test_range:
        return reasons.LIVE_TOKEN_TEST_TARGET
    return not_registered


MAGIC_OPERATOR = "CallbackNow test"
TEST_PHONE_OPERATOR = "CallbackNow test phone"


def table_context():
    """What the magic numbers' table (device/_magic_numbers.html) shows, in the reader's language: the docs page
    and the test mode page render the same one."""
    return {
        "outcomes": [{"outcome": outcome, "description": outcome.explained()} for outcome in OUTCOMES],
        "failures": FAILURES,
        "unregistered_id": UNREGISTERED_ID,
        "magic_ttl": MAGIC_TTL_SECONDS,
    }
