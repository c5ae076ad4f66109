"""What became of a call whose transaction did not end as planned: past its deadline, or its COMMIT's reply lost.

A call's effect and its request log entry commit together (api.decorators.carry_out), so the entry, found by the
call's request ID, tells whether the call was committed. When the connection drops during COMMIT, the database
may have committed or not: it is asked again, on a new connection, until the call's deadline plus one statement's
time (the longest a COMMIT begun before the deadline may run).
"""

import time

from django.conf import settings
from django.db import connection

from api.models import ApiRequestLog
from lib.outage import OUTAGE_ERRORS

RETRY_SECONDS = 0.2


class DeadlinePassed(Exception):
    """The call's deadline passed before its commit: it was rolled back."""


class OutcomeUnknown(Exception):
    """The call's COMMIT lost its reply and the database could not tell in time whether it was committed."""


def backend_pid():
    """The PostgreSQL server process of this thread's connection (known to the client, no round trip), or None."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return None
    return connection.connection.info.backend_pid


def committed_or_not(request_id, deadline, pid=None):
    """True when the call with this request ID was committed (its log entry exists), False when it was not; raises
    OutcomeUnknown when the database does not say before the deadline (lib.deadlines.Deadline) plus one statement.

    pid is the server process that ran the COMMIT: while it lives (a network drop, not a crash) it may still
    commit, so the answer waits for it to end."""
    until = deadline.at + settings.DB_STATEMENT_TIMEOUT_SECONDS
    while True:
        connection.close()  # the one whose reply was lost, or a failed try: a new one each time
        try:
            with connection.cursor() as cursor:
                cursor.execute(_lookup_sql(pid), [request_id] if pid is None else [request_id, pid])
                found, running = cursor.fetchone()
            if not running:
                return bool(found)
        except OUTAGE_ERRORS:
            pass
        if time.time() + RETRY_SECONDS > until:
            connection.close()
            raise OutcomeUnknown(f"no answer on request {request_id} by its deadline")
        time.sleep(RETRY_SECONDS)


def _lookup_sql(pid):
    table = connection.ops.quote_name(ApiRequestLog._meta.db_table)
    logged = f"EXISTS (SELECT 1 FROM {table} WHERE request_id = %s)"
    if pid is None:
        return f"SELECT {logged}, FALSE"
    return f"SELECT {logged}, EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)"
