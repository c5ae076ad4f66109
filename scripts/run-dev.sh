#!/usr/bin/env bash
# `make run`: the portal (runserver) and its task-queue worker (webhook deliveries, the periodic jobs) in one
# command, on the embedded defaults (SQLite, Huey on a SQLite file under var/). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}

"$PY" manage.py run_huey --logfile var/worker.log &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM
echo "Worker started (pid $worker, log var/worker.log)."
"$PY" manage.py runserver "127.0.0.1:$PORT"
