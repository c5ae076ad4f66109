"""Signing secrets and signatures of the Standard Webhooks specification (the standardwebhooks package)."""

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"


def new_secret():
    """A signing secret: "whsec_" and the base64 of 24 random bytes, as the specification writes them."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def signature_header(secrets_in_force, message_id, timestamp, body):
    """The webhook-signature header: "v1,<base64 HMAC-SHA256>" for every secret in force, space-separated."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)  # the library reads the wall time as UTC
    return " ".join(Webhook(secret).sign(message_id, moment, body) for secret in secrets_in_force)
