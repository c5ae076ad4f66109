"""accounts.token_crypto: token generation, encryption at rest and the lookup digest."""

import pytest
from django.test import override_settings

from accounts import token_crypto


def test_it_generates_32_character_tokens_with_the_prefix():
    tokens = {token_crypto.generate_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert len(token) == 32 and token.startswith("cbn_")
        assert token_crypto.looks_like_token(token)


@pytest.mark.parametrize(
    "value", ["", None, "cbn_short", "xyz_" + "a" * 28, "cbn_" + "a" * 27 + "!", "cbn_" + "a" * 29]
)
def test_it_tells_what_does_not_look_like_a_token(value):
    assert not token_crypto.looks_like_token(value)


def test_it_encrypts_so_that_the_plaintext_is_not_in_the_ciphertext_and_decrypts_back():
    token = token_crypto.generate_token()
    sealed = token_crypto.encrypt_secret(token)
    assert token not in sealed and token[4:] not in sealed
    assert sealed != token_crypto.encrypt_secret(token)  # fresh IV every time
    assert token_crypto.decrypt_secret(sealed) == token


def test_it_refuses_to_decrypt_under_another_key():
    sealed = token_crypto.encrypt_secret(token_crypto.generate_token())
    with override_settings(TOKEN_ENCRYPTION_KEY="another key, rotated badly, 0123456789"):
        with pytest.raises(ValueError):
            token_crypto.decrypt_secret(sealed)


def test_it_digests_with_a_key_so_the_digest_is_stable_but_keyed():
    token = token_crypto.generate_token()
    digest = token_crypto.digest(token)
    assert len(digest) == 64 and digest == token_crypto.digest(token)
    assert digest != token_crypto.digest(token_crypto.generate_token())
    with override_settings(TOKEN_ENCRYPTION_KEY="another key, rotated badly, 0123456789"):
        assert token_crypto.digest(token) != digest


def test_it_masks_as_prefix_and_last_four():
    assert token_crypto.mask("cbn_", "AbCd") == "cbn_…AbCd"


def test_it_hides_a_shown_secret_in_reprs_but_not_in_its_text():
    secret = token_crypto.ShownSecret("cbn_" + "a" * 28)
    assert repr(secret) == "'********'" and repr({"plaintext": secret}) == "{'plaintext': '********'}"
    assert str(secret) == "cbn_" + "a" * 28 and f"{secret}" == "cbn_" + "a" * 28
