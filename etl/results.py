"""What a load tells its caller: a FileReport per file (and sheet), a LoadResult per run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

REJECTS_IN_REPORT = 20


@dataclass
class Reject:
    row: int
    column: str | None
    reason: str


@dataclass
class FileReport:
    file: str
    dataset: str | None = None
    sheet: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_replaced: int = 0
    checks: list[str] = field(default_factory=list)  # the ledger's own 合计 row against what was loaded
    version: str | None = None  # what this file changed against the earlier version it replaces
    changes: list[str] = field(default_factory=list)  # the changed cells, first rows
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    refused: bool = False
    skipped: bool = False  # same content as an earlier load: nothing done
    message: str = ""
    rejects: list[Reject] = field(default_factory=list)
    load_id: int | None = None

    def as_json(self) -> dict:
        out = asdict(self)
        out["rejects"] = [asdict(r) for r in self.rejects[:REJECTS_IN_REPORT]]
        return out


@dataclass
class LoadResult:
    files: list[FileReport]
    warehouse: Path
    run_id: int | None = None  # loads.run_id of this run's loads; None when nothing was loaded

    @property
    def ok(self) -> bool:
        return not any(f.refused for f in self.files)
