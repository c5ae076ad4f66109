"""A failed attempt said in words for the delivery log: what happened, in the reader's language, from the technical
text the sender keeps in WebhookAttempt.error (which stays beside it, secondary)."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# (the start of the sender's text, what it means): the first that matches says it.
_MEANINGS = [
    ("refused: host does not resolve", _("The address did not resolve: its host name has no DNS record.")),
    (
        "refused: address in a private",
        _("The address is on a private, loopback or reserved network: webhooks go to public addresses only."),
    ),
    ("refused: https required", _("The URL is not https://: webhooks are sent over HTTPS only.")),
    ("refused:", _("This URL cannot receive webhooks.")),
    ("TLS error", _("The secure (TLS) connection failed: check the endpoint's certificate.")),
    ("connection failed", _("Could not connect to the endpoint.")),
    ("endpoint disabled", _("Not sent: the endpoint was disabled.")),
]
_TIMED_OUT = re.compile(r"timed out after ([0-9.]+) s")
_REDIRECT = re.compile(r"redirect to .* not followed")


@dataclass(frozen=True)
class Failure:
    words: str
    detail: str  # the sender's own text, when it says more than the words


def failure(error, status):
    """What went wrong with an attempt that answered `status` (None: no answer) and left `error`; None if nothing."""
    if not error:
        return None
    if timed_out := _TIMED_OUT.fullmatch(error):
        return Failure(
            _("Timed out after %(seconds)s s: the endpoint did not answer in time.") % {"seconds": timed_out.group(1)},
            "",
        )
    if status is not None and _REDIRECT.fullmatch(error):
        words = _("The endpoint answered %(status)d, a redirect, which is not followed: enter the final URL.")
        return Failure(words % {"status": status}, error)
    if status is not None:
        return Failure(_("The endpoint answered %(status)d.") % {"status": status}, "")
    for start, meaning in _MEANINGS:
        if error.startswith(start):
            return Failure(str(meaning), error)
    return Failure(error, "")
