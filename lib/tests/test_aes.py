"""The seed's field encryption against vectors made by the openssl command, not by our code."""

import base64
import shutil
import subprocess

import pytest

from lib.aes import UndecryptableField, decrypt_field, decrypt_fields, encrypt_field

ZERO_IV = "0" * 32

# Made with: printf '%s' PLAINTEXT | openssl enc -aes-<bits>-cbc -K <hex of the key, zero-padded> -iv 000…0 -base64 -A
#   (OpenSSL 3.0; PKCS#7 padding is openssl's default)
VECTORS = [
    ("cbn_0123456789abcdefABCDEF012345", "callback", "NQgz8m9IFZxN1EKP+h9TiA=="),  # AES-256
    ("cbn_0123456789abcdefABCDEF012345", "조금 까다롭던 그 고객", "ESZxVqJeMsRlBWMGMXr3r0ntwLoNrXysJ/sEjTR12L4="),
    ("cbn_0123456789abcdefABCDEF012345", "", "9yRa/ZjnudIGJNfv2Yx75w=="),
    ("0123456789abcdefghijklmn", "kr", "ia4I8V4WVqYEQEd9Tcimdg=="),  # AES-192
    ("MYTOKENMYTOKEN", "01011111111", "Q/aRoAJoNT39IBm0keFHZA=="),  # 14 bytes, zero-padded to AES-128 as mcrypt did
]


@pytest.mark.parametrize("key, plaintext, ciphertext", VECTORS)
def test_it_matches_the_pasted_openssl_vectors(key, plaintext, ciphertext):
    assert encrypt_field(key, plaintext) == ciphertext
    assert decrypt_field(key, ciphertext) == plaintext


def openssl_encrypt(key, plaintext):
    raw = key.encode()
    size = next(n for n in (16, 24, 32) if len(raw) <= n)
    command = [
        "openssl",
        "enc",
        f"-aes-{size * 8}-cbc",
        "-K",
        raw.ljust(size, b"\0").hex(),
        "-iv",
        ZERO_IV,
        "-base64",
        "-A",
    ]
    return subprocess.run(command, input=plaintext.encode(), capture_output=True, check=True).stdout.decode().strip()


@pytest.mark.skipif(not shutil.which("openssl"), reason="the openssl command is not installed")
@pytest.mark.parametrize(
    "key, plaintext",
    [
        ("cbn_" + "Zz9" * 9 + "Q", "exactly sixteen!"),  # a full block of padding follows
        ("cbn_" + "Zz9" * 9 + "Q", "1716961234567"),
        ("short", "neocallback"),
        ("sixteen-byte-key", '한국어 메시지 / with slash and "quotes"'),
        ("twenty-four-bytes-key-24", "x" * 100),
    ],
)
def test_it_agrees_with_the_openssl_command_both_ways(key, plaintext):
    ciphertext = openssl_encrypt(key, plaintext)

    assert encrypt_field(key, plaintext) == ciphertext
    assert decrypt_field(key, ciphertext) == plaintext


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not base64!",
        base64.b64encode(b"short").decode(),
        base64.b64encode(bytes(17)).decode(),
        encrypt_field("another-key-entirely", "callback"),
    ],
)
def test_it_refuses_what_is_not_a_field_under_this_key(text):
    with pytest.raises(UndecryptableField):
        decrypt_field("cbn_0123456789abcdefABCDEF012345", text)


def test_it_refuses_a_key_longer_than_aes_256():
    with pytest.raises(UndecryptableField):
        encrypt_field("k" * 33, "x")


@pytest.mark.skipif(not shutil.which("openssl"), reason="the openssl command is not installed")
def test_it_decrypts_many_fields_of_one_key_at_once_as_openssl_made_them():
    key = "cbn_" + "Zz9" * 9 + "Q"
    plaintexts = ["callback", "exactly sixteen!", "", "x" * 100, "조금 까다롭던 그 고객", "1716961234567"]

    assert decrypt_fields(key, [openssl_encrypt(key, text) for text in plaintexts]) == plaintexts


def test_it_refuses_many_fields_when_one_is_not_under_this_key():
    key = "cbn_0123456789abcdefABCDEF012345"
    fields = [encrypt_field(key, "callback"), encrypt_field("another-key-entirely", "kr"), encrypt_field(key, "hi")]

    with pytest.raises(UndecryptableField):
        decrypt_fields(key, fields)
    assert decrypt_fields(key, [fields[0], fields[2]]) == ["callback", "hi"]
