#!/usr/bin/env bash
# Install what the dashboard needs into .venv and serve it on the embedded demo data, in the
# demo's own warehouse and access store (data/demo/), built on first start.
# Usage: bash scripts/run.sh        (HOST and PORT override the defaults)
# A real deployment is served by scripts/serve.sh and never gets the demo's users or token.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh requirements.txt
export WAREHOUSE="$PWD/data/demo/warehouse.duckdb" DEMO=1
exec "$PYTHON" app.py
