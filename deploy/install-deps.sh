#!/usr/bin/env bash
# Installs the system packages the project needs, only those missing: libvips (ID photos) with
# pkg-config for building, and, for the browser tests, Chromium, the Chinese fonts users see
# (without them screenshots show boxes), and npm when no npm is on the PATH (it fetches
# axe-core, the accessibility checker). As root it installs them with
# apt-get; otherwise it prints the command to run.
set -euo pipefail

want=(pkg-config libvips-dev)
if [ "${1:-}" = "--with-browser" ]; then
  want+=(chromium fonts-noto-cjk)
  command -v npm >/dev/null || want+=(npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
