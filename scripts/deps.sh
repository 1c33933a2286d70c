#!/usr/bin/env bash
# Install the Debian packages that pasos' build, tests and benchmarks need,
# only those missing (apt-get, as root or through sudo).
set -euo pipefail
pkgs=(build-essential pkg-config libsqlite3-dev sqlite3 libjansson-dev libssl-dev iso-codes clang time bc libutf8proc-dev libxml2-utils libsodium-dev libglpk-dev glpk-utils python3 libmicrohttpd-dev curl)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
