"""What a backing service's outage looks like, as opposed to a fault in our code."""

from django.db import InterfaceError, OperationalError
from redis.exceptions import RedisError

# PostgreSQL or Redis not answering. Django's Redis cache lets the client's errors through unwrapped.
OUTAGE_ERRORS = (OperationalError, InterfaceError, RedisError)
