"""The accounts tests use the root conftest's fixtures; their helpers are in tests/helpers.py."""

# Re-exported while tests still import them from here (removed once every importer uses tests.helpers).
from tests.helpers import SECRET_ON_PAGE, reauthenticate, secret_on_page  # noqa: F401
from tests.helpers import totp as totp_code  # noqa: F401
