#!/usr/bin/env bash
# Install the Debian packages that pasos' build, tests and benchmarks need,
# only those missing (apt-get, as root or through sudo).
set -euo pipefail
pkgs=(build-essential pkg-config strace libsqlite3-dev sqlite3 libjansson-dev libssl-dev iso-codes clang time bc libutf8proc-dev libxml2-utils libsodium-dev libglpk-dev glpk-utils python3 libmicrohttpd-dev zlib1g-dev curl openssl chromium nodejs npm r-cran-rsdmx)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from elsewhere than Debian (they do on some machines): then they are not asked for
command -v node > /dev/null && command -v npm > /dev/null &&
  missing=($(printf '%s\n' "${missing[@]}" | grep -vx 'nodejs\|npm' || true))
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# the browser tests' driver, from the npm registry, as the lock file pins it
browser="$(dirname "$0")/../tests/browser"
if [ ! -d "$browser/node_modules/puppeteer-core" ]; then
  echo "installing puppeteer-core (npm)" >&2
  (cd "$browser" && npm ci --no-audit --no-fund --silent) >&2
fi
