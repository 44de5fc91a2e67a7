"""Settings in one place (issue 15): every environment variable is read by core/settings.py
and nowhere else, each documented with its type, default and meaning; docs/settings.md is
generated from that table; a bad value stops with a Chinese message naming the variable."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core import settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "etl", "metrics", "security", "pages", "components", "bench", "scripts")
SHELL = sorted((ROOT / "scripts").glob("*.sh")) + [ROOT / "scripts" / "etl", ROOT / "scripts" / "bench"]


def python_modules() -> list[Path]:
    return [ROOT / "app.py"] + sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def env_reads(path: Path, root: Path = ROOT) -> list[str]:
    """Where a module touches the environment: os.environ, os.getenv, os.putenv, `from os import environ`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "environb", "getenv", "putenv", "unsetenv"):
            found.append(f"{path.relative_to(root)}:{node.lineno} {node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [f"{path.relative_to(root)}:{node.lineno} from os import {a.name}" for a in node.names
                      if a.name in ("environ", "environb", "getenv", "putenv", "unsetenv")]
    return found


def test_no_module_but_settings_reads_the_environment() -> None:
    modules = python_modules()
    assert ROOT / "core" / "settings.py" in modules and len(modules) > 50
    offenders = [hit for path in modules if path != ROOT / "core" / "settings.py" for hit in env_reads(path)]
    assert offenders == [], "read environment variables through core.settings: " + ", ".join(offenders)


def test_the_check_finds_a_read_when_there_is_one(tmp_path: Path) -> None:
    """The AST check above is not vacuous: each way of reading the environment is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom os import getenv\na = os.environ.get('X')\nb = os.getenv('Y')\n"
                      "c = getenv('Z')\n", encoding="utf-8")
    hits = sorted(env_reads(sample, tmp_path), key=lambda h: int(h.split(":")[1].split()[0]))
    assert [h.split(" ", 1)[1] for h in hits] == ["from os import getenv", "environ", "getenv"]


def test_core_imports_nothing_of_ours() -> None:
    ours = {"app", "core", "etl", "metrics", "security", "pages", "components", "bench"}
    for path in sorted((ROOT / "core").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not {n.split(".")[0] for n in names} & ours, f"{path.name} imports {names}"


def test_every_setting_is_documented_and_used() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in python_modules() if p.name != "settings.py")
    code += "\n".join(p.read_text(encoding="utf-8") for p in SHELL)
    for s in settings.SETTINGS:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", s.name)
        assert s.type in settings.TYPES and s.group in settings.GROUPS
        assert re.search(r"[\u4e00-\u9fff]", s.zh) and s.en and s.read_by, s.name
        assert s.default is None or isinstance(s.default, s.type), s.name
        assert re.search(rf"\b{s.name}\b", code), f"{s.name} is documented but nothing uses it"
    assert len(settings.BY_NAME) == len(settings.SETTINGS)


def test_every_variable_the_shell_scripts_read_is_a_setting() -> None:
    """The scripts read VENV, ETL_PROG …: every variable they use that they do not assign
    themselves (nor bash, nor the OS) is in the table."""
    builtin = {"BASH_SOURCE", "PYTHONPATH", "PATH", "HOME", "DEBIAN_FRONTEND"}
    sourced = (ROOT / "scripts" / "venv.sh").read_text(encoding="utf-8")  # sets PYTHON and ROOT for the others
    for path in SHELL:
        text = path.read_text(encoding="utf-8")
        assigned = set(re.findall(r"^\s*(?:export\s+)?([A-Za-z_]\w*)=", text + "\n" + sourced, re.M))
        assigned |= set(re.findall(r"\bfor\s+([A-Za-z_]\w*)\s+in\b", text))
        used = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", text))
        unknown = used - assigned - builtin - set(settings.BY_NAME)
        assert not unknown, f"{path.name} reads {sorted(unknown)}, not in core/settings.py"


def test_settings_reference_is_generated_from_the_table() -> None:
    assert (ROOT / "docs" / "settings.md").read_text(encoding="utf-8") == settings.reference_markdown(), \
        "run: .venv/bin/python -m core.settings > docs/settings.md"
    for s in settings.SETTINGS:
        assert f"`{s.name}`" in settings.reference_markdown()


def test_values_are_read_at_each_call_and_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    assert settings.get("PORT") == 8050 and not settings.given("PORT")
    monkeypatch.setenv("PORT", " 9001 ")
    assert settings.get("PORT") == 9001 and settings.given("PORT")
    monkeypatch.setenv("PORT", "")  # empty: unset
    assert settings.get("PORT") == 8050
    monkeypatch.setenv("COOKIE_SECURE", "off")
    assert settings.get("COOKIE_SECURE") is False
    monkeypatch.setenv("UPLOAD_MAX_FILE_MB", "2.5")
    assert settings.get("UPLOAD_MAX_FILE_MB") == 2.5
    monkeypatch.setenv("WAREHOUSE", "/srv/wygk/warehouse.duckdb")
    assert settings.get("WAREHOUSE") == Path("/srv/wygk/warehouse.duckdb")


@pytest.mark.parametrize("name, value", [("PORT", "八〇五〇"), ("COOKIE_SECURE", "maybe"), ("SESSION_HOURS", "12h")])
def test_a_bad_value_is_refused_in_chinese(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.SettingError) as caught:
        settings.get(name)
    message = str(caught.value)
    assert message.startswith(f"环境变量 {name}=") and "不是有效的" in message and value in message


def test_unknown_names_are_not_settings() -> None:
    with pytest.raises(KeyError):
        settings.get("NO_SUCH_SETTING")
