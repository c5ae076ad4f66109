#!/usr/bin/env bash
# Installs the Debian packages the portal needs, only where they are missing.
#   run:        gettext (compiles the Korean and English catalogues)
#   production: that, plus nginx (the front of scripts/serve-production.sh)
#   bench:      that, plus wrk (make bench-api's load generator)
#   test:       both, plus Chromium (browser tests) with a Korean font (fonts-nanum: the screenshots show
#               Korean pages), and PHP 8 with mcrypt and curl (the seed's PHP client)
set -euo pipefail
need=()
command -v msgfmt >/dev/null || need+=(gettext)
if [ "${1:-run}" = bench ]; then
  command -v wrk >/dev/null || need+=(wrk)  # the load generator of bench/api_bench.py (make bench-api)
fi
if [ "${1:-run}" != run ]; then
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
fi
if [ "${1:-run}" = test ]; then
  command -v chromium >/dev/null || need+=(chromium)
  [ -d /usr/share/fonts/truetype/nanum ] || need+=(fonts-nanum)
  command -v node >/dev/null || need+=(nodejs)  # the JavaScript snippets, the webhooks' Node verifier
  command -v php >/dev/null || need+=(php8.2-cli)
  if command -v php >/dev/null; then
    php -m | grep -qi '^mcrypt$' || need+=(php8.2-mcrypt)
    php -m | grep -qi '^curl$' || need+=(php8.2-curl)
  else
    need+=(php8.2-mcrypt php8.2-curl)
  fi
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
