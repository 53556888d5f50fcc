#!/usr/bin/env bash
# Installs what the tests need and runs the whole suite, browser tests included.
# TEST_DATABASE_URL (PostgreSQL) and REDIS_URL, when set, add the PostgreSQL and Redis runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" requirements-dev.txt

if [ -z "${CHROMIUM:-}" ]; then
  if ! command -v chromium >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "==> Installing Debian's chromium for the browser tests"
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      echo "==> Installing Debian's chromium for the browser tests"
      sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
      echo "The browser tests need Chromium. Install it with: sudo apt-get install -y chromium" >&2
      echo "(or point CHROMIUM at a Chromium binary), then run this command again." >&2
      exit 1
    fi
  fi
  export CHROMIUM="$(command -v chromium)"
fi

echo "==> Running the tests"
python -m pytest "$@"
