"""Checks on text people and callers send. Pure, no database."""

import unicodedata


def has_control_characters(text):
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)
