#!/usr/bin/env bash
# Install what the dashboard needs into .venv and serve it.
# Usage: bash scripts/run.sh [--demo]   (HOST, PORT and WAREHOUSE override the defaults)
#   the real deployment (data/warehouse.duckdb and data/access.sqlite, or $WAREHOUSE) once it is
#   set up (README: 正式部署); until then, or with --demo, the demo (data/demo/, built on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh requirements.txt
exec "$PYTHON" app.py "$@"
