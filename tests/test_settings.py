"""Every environment variable is read in settings.py and documented in docs/settings.md (issue 15)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import settings

ROOT = Path(__file__).resolve().parent.parent
CODE = [ROOT / "app.py", *[p for d in ("etl", "metrics", "security", "pages", "components", "bench")
                           for p in sorted((ROOT / d).glob("*.py"))]]


def _reads_environment(path: Path) -> list[int]:
    """Lines where a module reads the environment (os.environ[...] or .get, os.getenv)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("getenv", "environb"):
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and ast.unparse(node.func.value) in ("os.environ", "environ"):
            lines.append(node.lineno)
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) \
                and ast.unparse(node.value) in ("os.environ", "environ"):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_settings_module_reads_the_environment(path):
    assert not _reads_environment(path), f"{path.name} reads os.environ at lines {_reads_environment(path)}: use settings.get"


def test_the_reference_is_current():
    assert (ROOT / "docs" / "settings.md").read_text(encoding="utf-8") == settings.reference_markdown(), \
        "run: .venv/bin/python -c 'import settings; print(settings.reference_markdown(), end=\"\")' > docs/settings.md"


def test_every_setting_is_read_somewhere_and_documented_in_both_languages():
    text = "\n".join(p.read_text(encoding="utf-8") for p in CODE)
    for s in settings.SETTINGS:
        assert f'"{s.name}"' in text, f"{s.name} is documented but never read"
        assert s.zh and s.en


def test_values_are_parsed_by_kind(monkeypatch):
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("COOKIE_SECURE", "off")
    monkeypatch.setenv("DEMO", "0")
    monkeypatch.delenv("SESSION_HOURS", raising=False)
    assert settings.get("PORT") == 9000 and settings.get("COOKIE_SECURE") is False and settings.get("DEMO") is False
    assert settings.get("SESSION_HOURS") == 12.0
    with pytest.raises(KeyError):
        settings.get("NO_SUCH_SETTING")
