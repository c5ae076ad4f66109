"""The portal's one date form (portal/formats/__init__.py)."""

from portal.formats import (  # noqa: F401  (read by Django's FORMAT_MODULE_PATH)
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
)
