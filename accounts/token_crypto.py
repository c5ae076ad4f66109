"""Token secrets: generation, encryption at rest and the keyed lookup digest. Pure, no database.

The seed's protocol uses the token itself as the AES key, so the server must be able to
recover it: it is kept encrypted (Fernet) under a key derived from TOKEN_ENCRYPTION_KEY,
and found by an HMAC-SHA256 digest under a second derived key.
"""

import base64
import hashlib
import hmac
import re
import secrets
import string
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

TOKEN_LENGTH = 32
ALPHABET = string.ascii_letters + string.digits


def _derive(master, purpose):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master.encode())


@lru_cache(maxsize=4)
def _keys(master):
    fernet = Fernet(base64.urlsafe_b64encode(_derive(master, b"callbacknow token encryption")))
    digest_key = _derive(master, b"callbacknow token digest")
    return fernet, digest_key


def generate_token(test=False):
    """A new token: the prefix (the test one for test mode), then random letters and digits, 32 characters in all
    (an AES-256 key)."""
    prefix = settings.TEST_TOKEN_PREFIX if test else settings.TOKEN_PREFIX
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(TOKEN_LENGTH - len(prefix)))


def looks_like_token(value):
    """Whether the value has a live or a test token's shape."""
    for prefix in (settings.TEST_TOKEN_PREFIX, settings.TOKEN_PREFIX):
        pattern = re.escape(prefix) + "[A-Za-z0-9]{" + str(TOKEN_LENGTH - len(prefix)) + "}"
        if re.fullmatch(pattern, value or ""):
            return True
    return False


def encrypt_secret(plaintext):
    fernet, _ = _keys(settings.TOKEN_ENCRYPTION_KEY)
    return fernet.encrypt(plaintext.encode()).decode("ascii")


def decrypt_secret(ciphertext):
    fernet, _ = _keys(settings.TOKEN_ENCRYPTION_KEY)
    try:
        return fernet.decrypt(ciphertext.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ValueError("token ciphertext does not decrypt under TOKEN_ENCRYPTION_KEY") from exc


def digest(plaintext):
    """Keyed digest used to find a token by its value (hex, 64 characters)."""
    _, key = _keys(settings.TOKEN_ENCRYPTION_KEY)
    return hmac.new(key, plaintext.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def mask(prefix, last4):
    """How a token is shown after issue: prefix…last four."""
    return f"{prefix}…{last4}"


class ShownSecret(str):
    """A token's text on its way to a page: prints as asterisks in reprs, so debug pages and logs of frames hide it."""

    def __repr__(self):
        return "'********'"
