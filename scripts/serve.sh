#!/usr/bin/env bash
# Serve a real deployment: the warehouse $WAREHOUSE (default data/warehouse.duckdb) and the
# access store beside it. Never builds the demo; pages say so until the first ledgers are loaded.
# Usage: bash scripts/serve.sh      (HOST, PORT and WAREHOUSE override the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh requirements.txt
export WAREHOUSE="${WAREHOUSE:-$PWD/data/warehouse.duckdb}"
unset DEMO
exec "$PYTHON" app.py
