# Sourced by the scripts in this folder: make sure a virtual environment holds the pinned
# packages, and set PYTHON to its interpreter. The environment is $VENV if set (e.g. one
# shared by several checkouts), else .venv in the project, created on first use.
# `pip install` runs only when a pinned version is missing, so later runs start at once and
# need no network.
#   usage: . "$(dirname "$0")/venv.sh" requirements.txt [requirements-dev.txt]
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_venv="${VENV:-$ROOT/.venv}"
if [ ! -x "$_venv/bin/python" ]; then
  python3 -m venv "$_venv"
fi
_reqs=()
for _r in "$@"; do _reqs+=("$ROOT/$_r"); done
# Every `name==version` line of the requirement files installed at that version?
if ! "$_venv/bin/python" - "${_reqs[@]}" <<'PY'
import importlib.metadata as md, re, sys
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        line = line.split("#")[0].strip()
        if not line:
            continue
        name, _, version = line.partition("==")
        try:
            installed = md.version(re.sub(r"\[.*\]", "", name).strip())
        except md.PackageNotFoundError:
            sys.exit(1)
        if version and installed != version.strip():
            sys.exit(1)
PY
then
  _args=()
  for _r in "${_reqs[@]}"; do _args+=(-r "$_r"); done
  "$_venv/bin/pip" install --quiet --disable-pip-version-check "${_args[@]}" >&2
fi
PYTHON="$_venv/bin/python"
