#!/usr/bin/env bash
# Serve a real deployment with gunicorn's worker processes (security/gunicorn_conf.py): the
# warehouse $WAREHOUSE (default data/warehouse.duckdb) and the access store beside it (or
# ACCESS_DB_URL's). Never builds the demo; pages say so until the first ledgers are loaded.
# Usage: bash scripts/serve.sh      (HOST, PORT, WORKERS, THREADS and WAREHOUSE override the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh requirements.txt
export WAREHOUSE="${WAREHOUSE:-$PWD/data/warehouse.duckdb}"
unset DEMO
exec "$PYTHON" -m gunicorn -c python:security.gunicorn_conf app:server
