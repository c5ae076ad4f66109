def load(stdout):
    """Registers the API's demo data (owned by the api app)."""
