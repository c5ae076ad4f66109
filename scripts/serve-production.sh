#!/usr/bin/env bash
# Serves the portal and the Open API in production: nginx in front of gunicorn, PostgreSQL, Redis, DEBUG off.
#
#   DATABASE_URL=postgres://user:pass@db:5432/callbacknow REDIS_URL=redis://cache:6379/0 \
#   SECRET_KEY=… TOKEN_ENCRYPTION_KEY=… ALLOWED_HOSTS=developers.example.com \
#   API_BASE_URL=https://developers.example.com scripts/serve-production.sh
#
# The layout (README, Deployment): nginx listens on BIND and reads each request whole (headers and body)
# before gunicorn sees it, so slow or stalled clients cost nginx a connection, never a gunicorn thread;
# gunicorn runs gthread workers on a private Unix socket, a few threads each, and the test page may hold
# only API_TESTER_SENDS_IN_FLIGHT threads of a worker while it calls the API back: the rest serve the API.
#
# Required: DATABASE_URL, REDIS_URL, SECRET_KEY, TOKEN_ENCRYPTION_KEY (32+ characters each), ALLOWED_HOSTS,
#   API_BASE_URL (where the test page sends: never taken from a request's Host header in production),
#   SITE_URL (the address in the links of mails: never taken from a request's Host header either).
# Optional:
#   BIND              address:port to listen on (default 0.0.0.0:${PORT:-8000})
#   FRONT             nginx (default) or none: gunicorn listens on BIND itself, only where a proxy that
#                     buffers whole requests already stands in front of every machine
#   WEB_CONCURRENCY   gunicorn worker processes (default 2 × CPU cores + 1)
#   GUNICORN_THREADS  threads per worker (default 4; more than API_TESTER_SENDS_IN_FLIGHT, default 1)
#   ASGI_WORKERS      processes of the phone servers (default: CPU cores): the device API's long polls and event
#                     streams, held on an event loop (device.edge), each process up to
#                     DEVICE_HELD_CONNECTIONS_PER_PROCESS (default 5000) of them
#   PHONES_BIND       with FRONT=none: address:port of the phone servers (default 127.0.0.1:8001); the proxy in
#                     front sends GET /device/v1/events and /device/v1/call-requests there, the rest to BIND
#   SERVER_TIMEOUT_SECONDS     gunicorn's worker timeout (default 30), and FRONT_READ_TIMEOUT_SECONDS nginx's read
#                     timeout of gunicorn (default 35); BALANCER_TIMEOUT_SECONDS the idle timeout of the balancer in
#                     front (default 60). Each must be longer than the one behind it, down to the database's
#                     (README, Timeouts): check --deploy refuses a chain out of order
#   BEHIND_PROXY=true behind a TLS-terminating load balancer that sets X-Forwarded-Proto
#                     (also set TRUSTED_PROXY_COUNT to the number of proxies that append X-Forwarded-For;
#                     the script counts its own nginx on top)
#   RUN_MIGRATIONS    1 (default) migrates before serving; set 0 on all machines but one (or run
#                     `manage.py migrate` once as a release step) so that two machines never migrate at once
#   EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL: outgoing mail
# Any other gunicorn option can be given in GUNICORN_CMD_ARGS (read by gunicorn itself).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for name in DATABASE_URL REDIS_URL SECRET_KEY TOKEN_ENCRYPTION_KEY ALLOWED_HOSTS API_BASE_URL SITE_URL; do
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

threads="${GUNICORN_THREADS:-4}"
in_flight="${API_TESTER_SENDS_IN_FLIGHT:-1}"
if [ "$threads" -le "$in_flight" ]; then
  echo "serve-production: GUNICORN_THREADS ($threads) must be more than API_TESTER_SENDS_IN_FLIGHT ($in_flight):" \
    "the test page would hold every thread while it calls the API." >&2
  exit 2
fi
front="${FRONT:-nginx}"
case "$front" in
  nginx)
    nginx=$(command -v nginx || echo /usr/sbin/nginx)  # /usr/sbin is not on every user's PATH
    [ -x "$nginx" ] || { echo "serve-production: install nginx (apt-get install nginx) or set FRONT=none." >&2; exit 2; }
    ;;
  none) ;;
  *) echo "serve-production: FRONT must be nginx or none." >&2; exit 2 ;;
esac

export DEBUG=false
# The chain of timeouts (README, Timeouts), exported for check --deploy, which refuses one out of order.
export SERVER_TIMEOUT_SECONDS="${SERVER_TIMEOUT_SECONDS:-30}" FRONT_READ_TIMEOUT_SECONDS="${FRONT_READ_TIMEOUT_SECONDS:-35}"
export BALANCER_TIMEOUT_SECONDS="${BALANCER_TIMEOUT_SECONDS:-60}"
PY="${PYTHON:-.venv/bin/python}"
cores=$(nproc 2>/dev/null || echo 1)
workers="${WEB_CONCURRENCY:-$((2 * cores + 1))}"
bind="${BIND:-0.0.0.0:${PORT:-8000}}"

# The Korean and English catalogues (.mo files are built, not committed).
if [ -n "$(find . -path ./.venv -prune -o -name '*.po' -print -quit)" ]; then
  "$PY" manage.py compilemessages --ignore=.venv --ignore=var -v0
fi
if [ "${RUN_MIGRATIONS:-1}" = 1 ]; then  # a migration may rewrite a big table: no statement or lock timeout
  DB_STATEMENT_TIMEOUT_SECONDS=0 DB_LOCK_TIMEOUT_SECONDS=0 "$PY" manage.py migrate --noinput -v0
fi
# Hashed, compressed copies under staticfiles/, served by whitenoise from each machine's own disk.
"$PY" manage.py collectstatic --noinput -v0
"$PY" manage.py check --deploy --fail-level WARNING

# Each held phone costs a file descriptor in nginx (two) and in a phone server (one).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
ulimit -n 200000 2>/dev/null || true
nofile=$(ulimit -n)
asgi_workers="${ASGI_WORKERS:-$cores}"
phones=(
  "$(dirname "$PY")/gunicorn" portal.asgi:application
  --workers "$asgi_workers"
  --worker-class uvicorn_worker.UvicornWorker
  --backlog 8192
  --timeout 30
  --graceful-timeout 10
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
  --no-control-socket
  --error-logfile -
)

# No access log, in gunicorn or nginx: a GET API URL carries the caller's token. The API keeps its own request log.
gunicorn=(
  "$(dirname "$PY")/gunicorn" portal.wsgi:application
  --workers "$workers"
  --worker-class gthread
  --threads "$threads"
  --timeout "${SERVER_TIMEOUT_SECONDS%.*}"
  --keep-alive 5
  --graceful-timeout 30
  --max-requests 5000
  --max-requests-jitter 500
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
  --no-control-socket
  --error-logfile -
)
if [ "$front" = none ]; then
  phones_bind="${PHONES_BIND:-127.0.0.1:8001}"
  echo "serve-production: gunicorn on $bind with $workers workers × $threads threads, phone servers on" \
    "$phones_bind ($asgi_workers processes; no front)"
  "${phones[@]}" --bind "$phones_bind" &
  phones_pid=$!
  trap 'kill -TERM "$phones_pid" 2>/dev/null; wait "$phones_pid"' EXIT
  "${gunicorn[@]}" --bind "$bind" &
  gunicorn_pid=$!
  trap 'kill -TERM "$phones_pid" "$gunicorn_pid" 2>/dev/null; wait' EXIT
  trap 'exit 143' TERM INT
  status=0
  wait -n "$phones_pid" "$gunicorn_pid" || status=$?
  exit "$status"
fi

# gunicorn on a Unix socket that only nginx reaches; nginx's files (configuration, buffers) beside it.
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/callbacknow-serve.XXXXXX")
chmod 755 "$run_dir"  # nginx's workers run as another user (nobody) when the script runs as root
pids=()
stop() {
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
  wait
  rm -rf "$run_dir"
}
trap stop EXIT
trap 'exit 143' TERM INT

# nginx is one more proxy appending to X-Forwarded-For: the client is one hop further from the right.
export TRUSTED_PROXY_COUNT=$((${TRUSTED_PROXY_COUNT:-0} + 1))
if [ "${BEHIND_PROXY:-false}" = true ]; then
  forwarded_proto='$http_x_forwarded_proto' forwarded_host='$http_x_forwarded_host'  # the balancer's
else
  forwarded_proto='$scheme' forwarded_host='""'  # nobody's word but nginx's own
fi
# nginx holds two connections a phone (the phone's, the phone server's), each a descriptor of the worker that has it.
cat >"$run_dir/nginx.conf" <<NGINX
worker_processes auto;
worker_rlimit_nofile $nofile;
pid $run_dir/nginx.pid;
error_log stderr warn;
events { worker_connections $((nofile - 64)); multi_accept on; }
http {
  access_log off;
  server_tokens off;
  client_body_temp_path $run_dir/client_body;
  proxy_temp_path $run_dir/proxy;
  fastcgi_temp_path $run_dir/fastcgi;
  uwsgi_temp_path $run_dir/uwsgi;
  scgi_temp_path $run_dir/scgi;
  # A client has 10 s for its headers and between two pieces of its body, 1 MiB of body at most.
  client_header_timeout 10s;
  client_body_timeout 10s;
  client_max_body_size 1m;
  send_timeout 30s;
  keepalive_timeout 30s;
  upstream portal {
    server unix:$run_dir/gunicorn.sock;
    keepalive 16;
    # Closed by nginx before gunicorn closes them (--keep-alive 5): a call is never sent on a connection
    # gunicorn is closing, which would fail it after sending (answered "outcome unknown").
    keepalive_timeout 2s;
  }
  # When the server failed a call (502, 504): had nginx sent it any of it? If so the call may have been done.
  map \$upstream_bytes_sent \$upstream_was_sent {
    ~^[0-9]*[1-9] 1;
    default 0;
  }
  # Each phone to the same phone server every time (its key's hash): what that server remembers of the phone
  # (device.hub) answers its next idle wait without a query. max_fails=0: one slow answer does not take a phone
  # server out of the rotation (nginx's default would refuse every phone it holds for 10 s).
  upstream phones {
    hash \$http_authorization\$arg_ticket consistent;
$(for i in $(seq 0 $((asgi_workers - 1))); do echo "    server unix:$run_dir/phones-$i.sock max_fails=0;"; done)
    keepalive 256;
  }
  server {
    listen $bind default_server reuseport backlog=8192;
    # The device API's waiting calls go to the phone servers, which hold them on an event loop: never a
    # gunicorn thread of the portal and the Open API. The stream passes each event on at once.
    location = /device/v1/events {
      proxy_pass http://phones;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $forwarded_proto;
      proxy_set_header X-Request-Start "t=\$msec";
      proxy_connect_timeout 5s;
      proxy_read_timeout 60s;  # heartbeats every DEVICE_HEARTBEAT_SECONDS (15 s)
      send_timeout 60s;
      error_page 502 504 =503 @phones_unavailable;
    }
    location = /device/v1/call-requests {
      proxy_pass http://phones;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $forwarded_proto;
      proxy_set_header X-Request-Start "t=\$msec";
      proxy_connect_timeout 5s;
      proxy_read_timeout 45s;  # longer than the longest wait (30 s)
      proxy_next_upstream off;
      error_page 502 504 =503 @phones_unavailable;
    }
    location @phones_unavailable {
      default_type application/json;
      add_header Retry-After 5 always;
      return 503 '{"reason": "service unavailable"}';
    }
    location / {
      proxy_pass http://portal;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Whole requests and whole answers: nothing slow on the client's side reaches gunicorn.
      proxy_request_buffering on;
      proxy_buffering on;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $forwarded_proto;
      proxy_set_header X-Forwarded-Host $forwarded_host;
      proxy_set_header X-Forwarded-Protocol "";
      proxy_set_header X-Forwarded-Ssl "";
      # When nginx handed it on: the server refuses, unstarted, a request that waited past its caller's patience.
      proxy_set_header X-Request-Start "t=\$msec";
      proxy_redirect off;
      proxy_connect_timeout 5s;
      proxy_read_timeout ${FRONT_READ_TIMEOUT_SECONDS%.*}s;
      # Never sent again to another server or worker: an API call (a GET callback too) is not idempotent.
      proxy_next_upstream off;
      # gunicorn restarting, gone or too slow: the API's own failure answer rather than nginx's HTML page.
      error_page 502 504 = @unavailable;  # answered with the status the named location returns
    }
    location @unavailable {
      default_type application/json;
      add_header Cache-Control no-store always;
      # Sent, then lost (a worker killed, no answer in time): the call may have been done.
      if (\$upstream_was_sent) {
        return 504 '{"result":"failed","reason":"outcome unknown"}';
      }
      # Never reached a server: nothing was done.
      return 503 '{"result":"failed","reason":"service unavailable"}';
    }
  }
}
NGINX

echo "serve-production: nginx on $bind, gunicorn with $workers workers × $threads threads behind it," \
  "and $asgi_workers phone servers"
"${gunicorn[@]}" --bind "unix:$run_dir/gunicorn.sock" &
pids+=($!)
for i in $(seq 0 $((asgi_workers - 1))); do  # one process each, on a socket of its own (the upstream's hash)
  "${phones[@]}" --workers 1 --bind "unix:$run_dir/phones-$i.sock" &
  pids+=($!)
done
for _ in $(seq 1 300); do
  [ -S "$run_dir/gunicorn.sock" ] && [ "$(find "$run_dir" -name 'phones-*.sock' | wc -l)" -eq "$asgi_workers" ] && break
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || exit 1; done
  sleep 0.1
done
"$nginx" -p "$run_dir" -c "$run_dir/nginx.conf" -e stderr -g "daemon off;" &
pids+=($!)
# Whichever stops first (a crash, or a signal to it) stops the other: the machine is out until restarted.
status=0
wait -n "${pids[@]}" || status=$?
exit "$status"
