"""Tokens as the tests' callers hold them."""

from accounts.models import ApiToken
from accounts.restrictions import Restriction

LOOPBACK = ["127.0.0.0/8", "::1/128"]


def server_token(owner, name, host):
    """A live token restricted to servers on this machine (where the test client and live server calls come from),
    as a developer's server holds one: (token, plaintext). Origin and Referer are not read."""
    return ApiToken.issue(owner, name, host, restriction=Restriction.SERVERS, addresses=LOOPBACK)
