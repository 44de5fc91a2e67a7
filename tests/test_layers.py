"""The house's layer rules, checked rather than remembered (style.md: the shape of the house)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).glob("*.py"))


def test_import_contracts_are_kept() -> None:
    """The contracts of pyproject.toml ([tool.importlinter]: the layers, components never
    query, the ETL and metrics never draw), checked by import-linter; a broken one fails here."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout, done.stdout


OURS = (
    "app",
    "settings",
    "vocab",
    "etl",
    "metrics",
    "components",
    "pages",
    "security",
    "workflow",
    "briefing",
    "bench",
)


def test_nothing_imports_the_app() -> None:
    """app.py is a module, so import-linter cannot name it as a layer: nothing of ours imports it."""
    for package in ("vocab", "etl", "metrics", "components", "pages", "security", "workflow", "briefing"):
        for path in modules(package):
            bad = {m for m in imports_of(path) if m == "app" or m.startswith("app.")}
            assert not bad, f"{package}/{path.name} imports the app"


@pytest.mark.parametrize("path", modules("vocab"), ids=lambda p: p.name)
def test_vocab_imports_nothing_of_ours(path: Path) -> None:
    """The bottom package: import-linter checks it against the packages; this, against the modules too."""
    bad = {m for m in imports_of(path) if m.split(".")[0] in OURS and m.split(".")[0] != "vocab"}
    assert not bad, f"vocab/{path.name} imports {bad}"


def test_settings_imports_nothing_of_ours() -> None:
    bad = {m for m in imports_of(ROOT / "settings.py") if m.split(".")[0] in OURS}
    assert not bad, f"settings.py imports {bad}"


@pytest.mark.parametrize("path", modules("etl"), ids=lambda p: p.name)
def test_etl_never_imports_the_app(path: Path) -> None:
    bad = {m for m in imports_of(path) if m.split(".")[0] in ("app", "pages", "components", "metrics", "dash")}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", modules("components"), ids=lambda p: p.name)
def test_components_never_query(path: Path) -> None:
    bad = {m for m in imports_of(path) if m in ("duckdb", "metrics.db", "metrics.access") or m.startswith("sqlalchemy")}
    assert not bad, f"{path.name} imports {bad}"
    assert not re.search(r"\bSELECT\b.+\bFROM\b", path.read_text(encoding="utf-8")), f"{path.name} holds SQL"


@pytest.mark.parametrize("path", modules("pages"), ids=lambda p: p.name)
def test_pages_never_write_sql(path: Path) -> None:
    assert "duckdb" not in imports_of(path)
    assert not re.search(r"\bSELECT\b.+\bFROM\b", path.read_text(encoding="utf-8")), f"{path.name} holds SQL"


def page_of(path: Path) -> str | None:
    """The page a module of pages/ belongs to: its own name, or for a helper module
    (`_escalations_ladder.py`) the page its name starts with; None for a shared helper (`_view.py`)."""
    if not path.stem.startswith("_"):
        return path.stem
    pages = sorted((p.stem for p in modules("pages") if not p.stem.startswith("_")), key=len, reverse=True)
    return next((p for p in pages if path.stem == f"_{p}" or path.stem.startswith(f"_{p}_")), None)


def test_component_ids_start_with_their_page_name() -> None:
    """Every literal id in a page module (and in its helper modules, pages/_<page>_*.py) starts
    with the page's name, so no two pages share one; a shared helper holds no literal id."""
    seen: dict[str, str] = {}
    for path in modules("pages"):
        page = page_of(path)
        prefix = page.replace("_", "-") if page else None
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "id" and isinstance(node.value, ast.Constant):
                ident = node.value.value
                assert prefix, f"{path.name}: a shared helper holds the id {ident!r}"
                assert ident.startswith(prefix), f"{path.name}: id {ident!r} does not start with {prefix!r}"
                assert seen.setdefault(ident, page) == page, f"id {ident!r} in {seen[ident]} and {page}"


def test_kpi_catalogue_document_is_generated_from_the_definitions() -> None:
    from metrics.__main__ import catalogue_markdown

    assert (ROOT / "docs" / "kpis.md").read_text(encoding="utf-8") == catalogue_markdown(), (
        "run: python -m metrics > docs/kpis.md"
    )


def test_cli_reference_is_generated_from_the_parser(monkeypatch) -> None:
    from etl.cli import reference_markdown

    monkeypatch.setenv("COLUMNS", "100")
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == reference_markdown(), (
        "run: COLUMNS=100 .venv/bin/python -c 'from etl.cli import reference_markdown; print(reference_markdown(), end=\"\")' > docs/cli.md"
    )
