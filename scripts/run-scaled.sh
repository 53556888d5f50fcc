#!/usr/bin/env bash
# Starts the app the way a larger company runs it: PostgreSQL and Redis, two app processes (each with
# several workers, the state shared in Redis) behind nginx on one origin, websockets included.
#   DATABASE_URL  default postgresql+psycopg://postgres@127.0.0.1:5432/registry (created if missing)
#   REDIS_URL     default redis://127.0.0.1:6379/0
#   PORT          default 8080: the proxy; the app processes listen on PORT+1 and PORT+2
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

if ! command -v nginx >/dev/null; then
  echo "==> Installing Debian's nginx for the reverse proxy"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  elif sudo -n true 2>/dev/null; then
    sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    echo "The scaled-out mode needs nginx: sudo apt-get install -y nginx, then run this command again." >&2
    exit 1
  fi
fi

PORT="${PORT:-8080}"
export DATABASE_URL="${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/registry}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:$PORT}"
RUN_DIR="${DATA_DIR:-$PWD/data}/scaled"
mkdir -p "$RUN_DIR"

echo "==> Preparing the database"
python - <<'PY'
import os, sqlalchemy as sa
from sqlalchemy.engine import make_url
url = make_url(os.environ["DATABASE_URL"])
if url.get_backend_name() == "postgresql":
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if not c.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": url.database}).scalar():
            c.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
PY
python -m app.seed

cat > "$RUN_DIR/nginx.conf" <<CONF
daemon off;
pid $RUN_DIR/nginx.pid;
error_log $RUN_DIR/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $RUN_DIR/body;
  proxy_temp_path $RUN_DIR/proxy;
  client_max_body_size 110m;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  upstream app { server 127.0.0.1:$((PORT + 1)); server 127.0.0.1:$((PORT + 2)); }
  server {
    listen $PORT;
    listen [::]:$PORT;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_read_timeout 3600s;
    }
  }
}
CONF

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
start_app() {
  reflex run --env prod --single-port --frontend-port "$1" --backend-port "$1" > "$RUN_DIR/app-$1.log" 2>&1 &
  pids+=($!)
  until curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1; do
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "the app on port $1 stopped: see $RUN_DIR/app-$1.log" >&2; exit 1; }
    sleep 2
  done
}
echo "==> Starting two app processes (the first builds the frontend: about a minute)"
start_app $((PORT + 1))
start_app $((PORT + 2))
nginx -c "$RUN_DIR/nginx.conf" &
pids+=($!)
echo
echo "    Open $PUBLIC_BASE_URL (nginx in front of the processes on ports $((PORT + 1)) and $((PORT + 2)))."
echo "    Health: $PUBLIC_BASE_URL/healthz, readiness: $PUBLIC_BASE_URL/readyz; logs in $RUN_DIR"
wait -n "${pids[@]}"
