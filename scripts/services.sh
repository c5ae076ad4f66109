#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432, user postgres/postgres) and Redis (127.0.0.1:6379) are
# installed and running: installs them from Debian where absent, starts them where down.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! command -v pg_ctlcluster >/dev/null || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq postgresql >/dev/null
fi
if ! up 5432; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
for _ in $(seq 1 30); do up 5432 && break; sleep 1; done
# A password works whether 127.0.0.1 is set to trust or to password authentication.
$SUDO -u postgres psql -q -c "ALTER USER postgres PASSWORD 'postgres'" >/dev/null 2>&1 \
  || su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null

if ! command -v redis-server >/dev/null; then
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq redis-server >/dev/null
fi
if ! up 6379; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 30); do up 6379 && break; sleep 1; done
up 5432 && up 6379 && echo "PostgreSQL and Redis are up."
