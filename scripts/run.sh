#!/usr/bin/env bash
# Install what the dashboard needs into .venv and serve it on the embedded demo data.
# Usage: bash scripts/run.sh        (HOST, PORT and WAREHOUSE override the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh requirements.txt
exec "$PYTHON" app.py
