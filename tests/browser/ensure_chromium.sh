#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright downloads no browser here).
# Installs it when it is missing; needs root and the Debian package mirror.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "[c360-test] installing Debian's chromium for the browser tests (apt-get)"
if [ "$(id -u)" -ne 0 ]; then
  echo "[c360-test] not root: run 'sudo apt-get install -y chromium' once" >&2
  exit 3
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "[c360-test] chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
