#!/usr/bin/env bash
# Installs what the app needs to run: a Python virtual environment with pinned packages,
# bun (from the npm registry, into .tools/) for building the frontend, the compiled message
# catalogs, and the database schema.
# Usage: source scripts/setup.sh [requirements file]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
REQUIREMENTS="${1:-requirements.txt}"
BUN_VERSION="1.4.4"

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the Python virtual environment (.venv)"
  "${PYTHON:-python3}" -m venv .venv
fi
echo "==> Installing Python packages ($REQUIREMENTS)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" -c constraints.txt

if [ "$(.tools/node_modules/.bin/bun --version 2>/dev/null || true)" != "$BUN_VERSION" ]; then
  echo "==> Installing bun $BUN_VERSION into .tools/"
  command -v npm >/dev/null || { echo "npm is needed to install bun: install Node.js (apt-get install -y nodejs npm)" >&2; exit 1; }
  mkdir -p .tools
  [ -f .tools/package.json ] || echo '{"name": "registry-build-tools", "private": true}' > .tools/package.json
  npm install --prefix .tools --no-audit --no-fund --loglevel=error "bun@$BUN_VERSION" >/dev/null
fi

export PATH="$ROOT/.tools/node_modules/.bin:$ROOT/.venv/bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_TELEMETRY_ENABLED=false

echo "==> Compiling the message catalogs"
python -m babel.messages.frontend --quiet compile -d app/i18n/locales -D messages

echo "==> Bringing the database schema up to date"
python -m app.migrate
