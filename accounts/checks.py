"""Start-up checks of the token settings: refuse values that would silently misbehave. (The project's own deploy
checks are portal.checks.)"""

import re

from django.conf import settings
from django.core.checks import Error, Warning, register

from accounts.models import TokenApproval
from accounts.token_crypto import TOKEN_LENGTH

MIN_RANDOM_CHARACTERS = 24  # about 143 bits of a 62-letter alphabet


@register()
def check_token_settings(app_configs, **kwargs):
    problems = []
    if settings.TOKEN_APPROVAL not in TokenApproval.values:
        problems.append(
            Error(
                f"TOKEN_APPROVAL is {settings.TOKEN_APPROVAL!r}; it must be one of {', '.join(TokenApproval.values)}.",
                id="accounts.E001",
            )
        )
    if settings.TOKENS_PER_DEVELOPER < 1:
        problems.append(Error("TOKENS_PER_DEVELOPER must be at least 1.", id="accounts.E002"))
    prefix = settings.TOKEN_PREFIX
    if not re.fullmatch(r"[A-Za-z0-9_]+", prefix) or TOKEN_LENGTH - len(prefix) < MIN_RANDOM_CHARACTERS:
        problems.append(
            Error(
                f"TOKEN_PREFIX {prefix!r} must be letters, digits or _ and leave at least "
                f"{MIN_RANDOM_CHARACTERS} random characters of the {TOKEN_LENGTH}.",
                id="accounts.E003",
            )
        )
    return problems


@register(deploy=True)
def check_token_key_is_separate(app_configs, **kwargs):
    if settings.TOKEN_ENCRYPTION_KEY == settings.SECRET_KEY:
        return [
            Warning(
                "TOKEN_ENCRYPTION_KEY equals SECRET_KEY: rotating SECRET_KEY would make every token undecryptable.",
                id="accounts.W001",
            )
        ]
    return []
