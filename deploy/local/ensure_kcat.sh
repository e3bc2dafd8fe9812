#!/usr/bin/env bash
# The README's Kafka examples use kcat (Debian's `kcat` package). Installs it when it is missing;
# without root it says how and goes on (`make up` does not need it, only the examples do).
set -euo pipefail
if command -v kcat >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "[c360] kcat is missing (used by the README's Kafka examples): sudo apt-get install -y kcat" >&2
  exit 0
fi
echo "[c360] installing kcat for the README's Kafka examples (apt-get)"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends kcat >/dev/null; }; then
  echo "[c360] could not install kcat (apt-get failed); the README's Kafka examples need it" >&2
  exit 0
fi
echo "[c360] $(kcat -V 2>/dev/null | head -1 || echo kcat installed)"
