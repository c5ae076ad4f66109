"""How a call request reached the phone, for the status answer's `delivery` field: each push attempt and the event
stream or long poll that handed it over. The device app, above this one, records the trace and registers its
reader here when it loads (imports run one way: the API cannot import the device app)."""

_readers = []


def register(reader):
    """reader(call request's primary key) -> [the trace's steps as JSON, oldest first]."""
    _readers.append(reader)


def of(call_request_id):
    return [step for reader in _readers for step in reader(call_request_id)]
