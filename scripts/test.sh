#!/usr/bin/env bash
# Install everything the tests need (Debian's Chromium, ChromeDriver, a CJK font, poppler-utils
# and PostgreSQL, and the Python packages into .venv) and run the whole suite.
# Usage: bash scripts/test.sh [pytest arguments]
# The suite runs on one worker process per CPU core, at most four (pytest-xdist), whole files per
# worker, the long browser files first (tests/conftest.py orders them); TEST_WORKERS=0 runs it in
# one process. The 25 slowest tests are listed at the end (where the suite's time goes).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)  # also the documents' PDF font
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)  # the documents' PDF drawn (pdftoppm) and read back
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)  # the shared access store's test
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi
. scripts/venv.sh requirements.txt requirements-dev.txt
workers="${TEST_WORKERS:-$("$PYTHON" -c 'import os; print(min(4, len(os.sched_getaffinity(0))))')}"
if [ "$workers" -gt 0 ]; then
  exec "$PYTHON" -m pytest -q --durations=25 -n "$workers" --dist loadfile --no-loadscope-reorder "$@"
fi
exec "$PYTHON" -m pytest -q --durations=25 "$@"
