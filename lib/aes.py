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
def _block_cipher(token):
    """AES under the token, one block at a time (ECB), made once: decrypt_fields chains the blocks itself."""
    return Cipher(algorithms.AES(aes_key(token)), modes.ECB())  # noqa: S305 - CBC, chained in decrypt_fields


def decrypt_field(token, text):
    return decrypt_fields(token, [text])[0]


def decrypt_fields(token, texts):
    """The plaintexts of fields encrypted each on its own (AES-CBC, zero IV, PKCS#7) under one token.

    One AES pass over all their blocks: CBC's plaintext block is the block's AES decryption XOR the ciphertext
    block before it (the zero IV before a field's first). A decryption context of its own for each field, and
    an unpadder, cost the encrypted POST about a twentieth."""
    blocks = [_ciphertext(text) for text in texts]
    joined = b"".join(blocks)
    decryptor = _block_cipher(token).decryptor()
    decrypted = decryptor.update(joined) + decryptor.finalize()
    chained = b"".join(ZERO_IV + data[:-16] for data in blocks)
    padded = (int.from_bytes(decrypted, "big") ^ int.from_bytes(chained, "big")).to_bytes(len(joined), "big")
    plaintexts, start = [], 0
    for data in blocks:
        field, start = padded[start : start + len(data)], start + len(data)
        pad = field[-1]
        if not 1 <= pad <= 16 or field[-pad:] != bytes([pad]) * pad:
            raise UndecryptableField("wrong key or corrupted field")
        try:
            plaintexts.append(field[:-pad].decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise UndecryptableField("wrong key or corrupted field") from exc
    return plaintexts


def _ciphertext(text):
    if not isinstance(text, str) or not text:
        raise UndecryptableField("field must be a non-empty base64 string")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UndecryptableField("field is not base64") from exc
    if not data or len(data) % 16:
        raise UndecryptableField("ciphertext is not a whole number of AES blocks")
    return data
