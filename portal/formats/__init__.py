"""The portal's date and time formats (FORMAT_MODULE_PATH); Django's own fill in every format not set here.

One form in both languages and on every page, the portal's and allauth's: "2026-12-02 03:43", 24-hour clock.
"""

DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "m-d"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
