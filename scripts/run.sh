#!/usr/bin/env bash
# Installs everything and starts the app in production mode with demo data (SQLite by default).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

PORT="${PORT:-3000}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:$PORT}"

echo "==> Loading demo data"
python -m app.seed
echo
echo "==> Starting the app (the first start builds the frontend: about a minute)"
echo "    Open $PUBLIC_BASE_URL and sign in with one of the demo logins above."
echo
exec reflex run --env prod --single-port --frontend-port "$PORT" --backend-port "$PORT"
