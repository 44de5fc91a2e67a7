"""Every environment variable is read in settings.py and documented in docs/settings.md (issue 15)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import settings

ROOT = Path(__file__).resolve().parent.parent
CODE = [
    ROOT / "app.py",
    *[
        p
        for d in ("vocab", "etl", "metrics", "security", "workflow", "briefing", "pages", "components", "bench")
        for p in sorted((ROOT / d).glob("*.py"))
    ],
]


def _reads_environment(path: Path) -> list[int]:
    """Lines where a module reads the environment (os.environ[...] or .get, os.getenv)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("getenv", "environb"):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and ast.unparse(node.func.value) in ("os.environ", "environ")
        ):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and ast.unparse(node.value) in ("os.environ", "environ")
        ):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_settings_module_reads_the_environment(path):
    assert not _reads_environment(path), (
        f"{path.name} reads os.environ at lines {_reads_environment(path)}: use settings.get"
    )


def test_the_reference_is_current():
    assert (ROOT / "docs" / "settings.md").read_text(encoding="utf-8") == settings.reference_markdown(), (
        "run: .venv/bin/python -c 'import settings; print(settings.reference_markdown(), end=\"\")' > docs/settings.md"
    )


def test_every_setting_is_read_somewhere_and_documented_in_both_languages():
    text = "\n".join(p.read_text(encoding="utf-8") for p in CODE)
    shell = "\n".join(p.read_text(encoding="utf-8") for p in SHELL)
    for s in settings.SETTINGS:
        read = f'"{s.name}"' in text or re.search(rf"\$\{{?{s.name}\b", shell)
        assert read, f"{s.name} is documented but never read"
        assert s.zh and s.en


# Everything of ours that runs: app.py, every package (sub-folders too), the scripts' Python.
EVERY_MODULE = [
    ROOT / "app.py",
    *[
        p
        for d in ("vocab", "etl", "metrics", "security", "workflow", "pages", "components", "bench", "scripts")
        for p in sorted((ROOT / d).rglob("*.py"))
    ],
]
SHELL = [
    p
    for p in sorted((ROOT / "scripts").iterdir())
    if p.is_file() and (p.suffix == ".sh" or p.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash"))
]


def _touches_environment(path: Path, root: Path = ROOT) -> list[str]:
    """Every use of the environment, read or write: os.environ in any form, os.getenv/putenv/
    unsetenv, and `from os import environ`."""
    hits = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "environb", "getenv", "putenv", "unsetenv"):
            hits.append(f"{path.relative_to(root)}:{node.lineno} {node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            hits += [
                f"{path.relative_to(root)}:{node.lineno} from os import {a.name}"
                for a in node.names
                if a.name in ("environ", "environb", "getenv", "putenv", "unsetenv")
            ]
    return hits


def test_nothing_but_the_settings_module_touches_the_environment():
    assert len(EVERY_MODULE) > 60 and ROOT / "scripts" / "build_geo.py" in EVERY_MODULE
    hits = [h for path in EVERY_MODULE for h in _touches_environment(path)]
    assert hits == [], "use settings.get / settings.put: " + ", ".join(hits)


def test_the_environment_check_finds_each_way_in(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom os import getenv\na = os.environ.get('X')\nos.environ['Y'] = '1'\n"
        "b = os.getenv('Z')\nc = getenv('Z')\n",
        encoding="utf-8",
    )
    assert len(_touches_environment(sample, tmp_path)) == 4


def test_every_variable_the_shell_scripts_read_is_a_setting():
    """scripts/*: each variable read and not assigned by the scripts (nor the shell's own) is in
    the table, so that VENV and ETL_PROG are documented like the rest."""
    assert {p.name for p in SHELL} >= {"run.sh", "serve.sh", "venv.sh", "test.sh", "etl", "bench"}
    ours = set(settings.BY_NAME)
    assigned = set()
    for path in SHELL:
        text = path.read_text(encoding="utf-8")
        assigned |= set(re.findall(r"^\s*(?:export\s+)?([A-Za-z_]\w*)=", text, re.M))
        assigned |= set(re.findall(r"\bfor\s+([A-Za-z_]\w*)\s+in\b", text))
    for path in SHELL:
        used = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", path.read_text(encoding="utf-8")))
        unknown = used - assigned - ours - {"BASH_SOURCE", "PWD", "PYTHONPATH", "PATH", "HOME"}
        assert not unknown, f"{path.name} reads {sorted(unknown)}: add them to settings.py"


@pytest.mark.parametrize(
    "name, value", [("PORT", "八〇五〇"), ("SESSION_HOURS", "12h"), ("UPLOAD_MAX_FILE_MB", "40MB")]
)
def test_a_value_of_the_wrong_kind_is_refused_in_chinese(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.SettingError, match=f"^环境变量 {name}=.*不是有效的"):
        settings.get(name)


def test_put_sets_a_setting_for_this_process_and_its_children(monkeypatch):
    monkeypatch.setenv("WAREHOUSE", "/x")
    settings.put("WAREHOUSE", Path("/srv/wygk/warehouse.duckdb"))
    assert settings.get("WAREHOUSE") == "/srv/wygk/warehouse.duckdb"
    with pytest.raises(KeyError):
        settings.put("NO_SUCH_SETTING", 1)


def test_values_are_parsed_by_kind(monkeypatch):
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("COOKIE_SECURE", "off")
    monkeypatch.setenv("DEMO", "0")
    monkeypatch.delenv("SESSION_HOURS", raising=False)
    assert settings.get("PORT") == 9000 and settings.get("COOKIE_SECURE") is False and settings.get("DEMO") is False
    assert settings.get("SESSION_HOURS") == 12.0
    with pytest.raises(KeyError):
        settings.get("NO_SUCH_SETTING")
