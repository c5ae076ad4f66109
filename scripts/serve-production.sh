#!/usr/bin/env bash
# Serves the portal and the Open API in production: gunicorn, PostgreSQL, Redis, DEBUG off.
#
#   DATABASE_URL=postgres://user:pass@db:5432/callbacknow REDIS_URL=redis://cache:6379/0 \
#   SECRET_KEY=… TOKEN_ENCRYPTION_KEY=… ALLOWED_HOSTS=developers.example.com \
#   API_BASE_URL=https://developers.example.com scripts/serve-production.sh
#
# Required: DATABASE_URL, REDIS_URL, SECRET_KEY, TOKEN_ENCRYPTION_KEY (32+ characters each), ALLOWED_HOSTS,
#   API_BASE_URL (where the test page sends: never taken from a request's Host header in production).
# Optional:
#   BIND              address:port to listen on (default 0.0.0.0:${PORT:-8000})
#   WEB_CONCURRENCY   gunicorn worker processes (default 2 × CPU cores + 1)
#   GUNICORN_THREADS  threads per worker (default 1: plain sync workers)
#   BEHIND_PROXY=true behind a TLS-terminating load balancer that sets X-Forwarded-Proto
#                     (also set TRUSTED_PROXY_COUNT to the number of proxies that append X-Forwarded-For)
#   RUN_MIGRATIONS    1 (default) migrates before serving; set 0 on all machines but one (or run
#                     `manage.py migrate` once as a release step) so that two machines never migrate at once
#   EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL: outgoing mail
# Any other gunicorn option can be given in GUNICORN_CMD_ARGS (read by gunicorn itself).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for name in DATABASE_URL REDIS_URL SECRET_KEY TOKEN_ENCRYPTION_KEY ALLOWED_HOSTS API_BASE_URL; do
  [ -n "${!name:-}" ] || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "serve-production: set ${missing[*]} (see README, Deployment)." >&2
  exit 2
fi
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "serve-production: DATABASE_URL must be a PostgreSQL URL (postgres://…)." >&2; exit 2 ;;
esac

export DEBUG=false
PY="${PYTHON:-.venv/bin/python}"
cores=$(nproc 2>/dev/null || echo 1)
workers="${WEB_CONCURRENCY:-$((2 * cores + 1))}"
bind="${BIND:-0.0.0.0:${PORT:-8000}}"

# The Korean and English catalogues (.mo files are built, not committed).
if [ -n "$(find . -path ./.venv -prune -o -name '*.po' -print -quit)" ]; then
  "$PY" manage.py compilemessages --ignore=.venv --ignore=var -v0
fi
if [ "${RUN_MIGRATIONS:-1}" = 1 ]; then
  "$PY" manage.py migrate --noinput -v0
fi
# Hashed, compressed copies under staticfiles/, served by whitenoise from each machine's own disk.
"$PY" manage.py collectstatic --noinput -v0
"$PY" manage.py check --deploy --fail-level WARNING

# No gunicorn access log: a GET API URL carries the caller's token. The API keeps its own request log.
echo "serve-production: gunicorn on $bind with $workers workers"
exec "$(dirname "$PY")/gunicorn" portal.wsgi:application \
  --bind "$bind" \
  --workers "$workers" \
  --threads "${GUNICORN_THREADS:-1}" \
  --timeout 30 \
  --graceful-timeout 30 \
  --max-requests 5000 \
  --max-requests-jitter 500 \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
  --no-control-socket \
  --error-logfile -
