#!/usr/bin/env bash
# The task-queue worker in production: webhook deliveries and their retries, and (on one machine) the periodic
# jobs — call-request expiry every minute, the webhook sweeper, pruning. Same environment as serve-production.sh.
#
#   DATABASE_URL=postgres://… REDIS_URL=redis://… SECRET_KEY=… TOKEN_ENCRYPTION_KEY=… scripts/serve-worker.sh
#
# Optional:
#   HUEY_WORKERS    delivery threads in this process (default 8: deliveries wait on the network, not the CPU)
#   HUEY_PERIODIC   1 (default) runs the periodic jobs here; set 0 on every worker machine but one
#                   (a second scheduler would only run each job twice: they are idempotent, but it is waste)
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for name in DATABASE_URL REDIS_URL SECRET_KEY TOKEN_ENCRYPTION_KEY SITE_URL; do
  [ -n "${!name:-}" ] || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "serve-worker: set ${missing[*]} (see README, Deployment)." >&2
  exit 2
fi

export DEBUG=false
PY="${PYTHON:-.venv/bin/python}"
workers="${HUEY_WORKERS:-8}"
periodic=()
[ "${HUEY_PERIODIC:-1}" = 1 ] || periodic=(--no-periodic)

if [ -n "$(find . -path ./.venv -prune -o -name '*.po' -print -quit)" ]; then
  "$PY" manage.py compilemessages --ignore=.venv --ignore=var -v0  # the developers' mails are in both languages
fi
"$PY" manage.py check --deploy --fail-level WARNING
echo "serve-worker: $workers delivery threads, periodic jobs ${periodic:+off}${periodic:-on}"
exec "$PY" manage.py run_huey --workers "$workers" --worker-type thread "${periodic[@]}"
