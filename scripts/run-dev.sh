#!/usr/bin/env bash
# `make run`: the portal (runserver) and its task-queue worker (webhook deliveries, the periodic jobs) in one
# command, on the embedded defaults (SQLite, Huey on a SQLite file under var/, or VAR_DIR as the settings read it).
# The worker writes only to var/worker.log (its log records reach Django's console handler too, so --logfile alone
# left them on the screen). Ctrl-C stops both.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
VAR_DIR=${VAR_DIR:-var}
mkdir -p "$VAR_DIR"

"$PY" manage.py run_huey >>"$VAR_DIR/worker.log" 2>&1 &
worker=$!
"$PY" manage.py runserver "127.0.0.1:$PORT" &
server=$!

# Started in the background, both ignore Ctrl-C's SIGINT unless they handle it themselves (the worker does): this
# shell stops them, on Ctrl-C or as soon as either ends. The server's reloaded child first: its parent then ends
# by itself, without killing it.
stop() {
  trap - INT TERM EXIT
  kill -INT "$worker" 2>/dev/null
  pkill -TERM -P "$server" 2>/dev/null
  kill -TERM "$server" 2>/dev/null
  wait
}
trap stop INT TERM EXIT
echo "Worker started (pid $worker, log $VAR_DIR/worker.log)."
wait -n "$worker" "$server"
