#!/usr/bin/env bash
# Rebuild assets/vendor/plotly-kanban.min.js: plotly.js with only the trace types the
# dashboard draws (entry.js), from npm at the version plotly.py ships (tests/test_plotly_bundle.py
# fails when the two differ). Needs node and npm (the registry); the result is committed, so
# neither is needed to run or test the dashboard.
# Usage: bash scripts/plotly-bundle/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
PLOTLY_JS="$(cd "$root" && . scripts/venv.sh requirements.txt && "$PYTHON" -c \
  'import plotly, pathlib, re; p = pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js"; print(re.search(r"plotly\.js v([0-9.]+)", p.read_text()[:200]).group(1))')"
ESBUILD=0.25.10
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/entry.js" "$work/"
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent "plotly.js@$PLOTLY_JS" "esbuild@$ESBUILD")
out="$root/assets/vendor/plotly-kanban.min.js"
{
  echo "/* plotly.js v$PLOTLY_JS, Copyright 2012-2026 Plotly, Inc., licensed under the MIT license; partial bundle: core (scatter), bar, pie, heatmap, choropleth, scattergeo."
  echo "   Built by scripts/plotly-bundle/build.sh with esbuild $ESBUILD; do not edit. */"
  (cd "$work" && node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
    --target=es2016 --define:global=window --define:define.amd=false --loader:.css=empty --legal-comments=eof \
    --log-level=warning)
} > "$out"
echo "wrote $out ($(wc -c < "$out") bytes; $(gzip -9 -c "$out" | wc -c) gzipped)"
