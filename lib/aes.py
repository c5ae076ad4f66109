"""The seed's field encryption: base64(AES-CBC(zero IV, PKCS#7)) under the token as key. Pure, no database.

16, 24 or 32 key bytes select AES-128/192/256; a shorter legacy key is zero-padded to the next
of those sizes, as PHP's mcrypt did.
"""

import base64
import binascii
from functools import lru_cache

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

ZERO_IV = bytes(16)


class UndecryptableField(ValueError):
    """The text is not base64 of AES-CBC under this key with valid padding and UTF-8 inside."""


def aes_key(token):
    raw = token.encode("utf-8")
    if not raw or len(raw) > 32:
        raise UndecryptableField("key must be 1 to 32 bytes")
    size = next(n for n in (16, 24, 32) if len(raw) <= n)
    return raw.ljust(size, b"\0")


def encrypt_field(token, plaintext):
    padder = padding.PKCS7(128).padder()
    data = padder.update(str(plaintext).encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(aes_key(token)), modes.CBC(ZERO_IV)).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode("ascii")


@lru_cache(maxsize=1024)
def _cipher(token):
    """The AES-CBC (zero IV) cipher of a token, made once: a call decrypts each of its fields under the same key."""
    return Cipher(algorithms.AES(aes_key(token)), modes.CBC(ZERO_IV))


def decrypt_field(token, text):
    if not isinstance(text, str) or not text:
        raise UndecryptableField("field must be a non-empty base64 string")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UndecryptableField("field is not base64") from exc
    if not data or len(data) % 16:
        raise UndecryptableField("ciphertext is not a whole number of AES blocks")
    decryptor = _cipher(token).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        raw = unpadder.update(padded) + unpadder.finalize()
        return raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise UndecryptableField("wrong key or corrupted field") from exc
