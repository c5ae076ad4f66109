"""The portal's date and time formats (FORMAT_MODULE_PATH); Django's own fill in every format not set here."""
