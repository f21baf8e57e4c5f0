#!/usr/bin/env bash
# Installs Debian's chromium (apt) for the browser tests when it is missing, then prints its path.
# No browser is ever downloaded by npm: puppeteer-core drives this binary (executablePath /usr/bin/chromium).
# Needs root for apt-get the first time. Usage: bash scripts/setup-chromium.sh
set -euo pipefail
chromium_bin="${LANDFALL_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "${chromium_bin}" ]]; then
  echo "Installing Debian's chromium for the browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
fi
echo "${chromium_bin}"
