"""The load report as a clerk reads it, and what a run did, in one place: `scripts/etl
load|check` prints it and the admin's upload page (pages/upload.py) shows the same text.

A run loads each file in a transaction of its own and publishes the warehouse once at the
end (etl/warehouse.py), so a batch can end with some files published and others refused
whole. `outcome` sorts the files into published, not published and unchanged, and the exit
code says the same:

    0  every file was read: loaded (rows may still be rejected) or unchanged
    1  some files were refused whole; the others were published
    3  nothing was published: every file that was not unchanged was refused (or the
       publish itself failed); the warehouse is as it was
    (2 is argparse's usage error)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from etl.pipeline import FileReport, LoadResult
from vocab.schema import DATASETS

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_NOTHING = 0, 1, 2, 3
WARNINGS_SHOWN = 20


def format_report(report: FileReport, rejects_hint: str) -> str:
    """The report of one file (or sheet): `rejects_hint` says where the full list of its
    rejects is (a command naming this run, or the upload page's download button)."""
    where = f"（工作表“{report.sheet}”）" if report.sheet else ""
    lines = [f"■ {report.file}{where}"]
    if report.refused:
        lines.append(f"  已拒收整个文件：{report.message}")
        return "\n".join(lines)
    if report.skipped:
        lines.append(f"  {report.message}")
        return "\n".join(lines)
    label = DATASETS[report.dataset].label if report.dataset else ""
    lines.append(f"  台账类型：{label}（{report.dataset}）")
    lines.append(f"  读取 {report.rows_read} 行 = 入库 {report.rows_loaded} 行 + 拒收 {report.rows_rejected} 行")
    lines.extend(f"  {check}" for check in report.checks)
    if report.version:
        lines.append(f"  {report.version}")
        lines.extend(f"    {change}" for change in report.changes)
    for warning in report.warnings[:WARNINGS_SHOWN]:
        lines.append(f"  提示：{warning}")
    if len(report.warnings) > WARNINGS_SHOWN:
        lines.append(f"  …另有 {len(report.warnings) - WARNINGS_SHOWN} 条提示")
    if report.rejects:
        lines.append(f"  拒收原因（前 {len(report.rejects)} 条，{rejects_hint}）：")
        lines.extend(f"    {r.reason}" for r in report.rejects)
    return "\n".join(lines)


@dataclass
class Entry:
    """A file (or, where its parts ended differently, a part of it) in the run's summary."""

    name: str
    rows_loaded: int = 0
    rows_rejected: int = 0


@dataclass
class Outcome:
    published: list[Entry] = field(default_factory=list)
    refused: list[Entry] = field(default_factory=list)
    unchanged: list[Entry] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if not self.refused:
            return EXIT_OK
        return EXIT_PARTIAL if self.published else EXIT_NOTHING


def _state(report: FileReport) -> str:
    if report.refused:
        return "refused"
    if report.skipped or report.load_id is None:
        return "unchanged"
    return "published"


def outcome(result: LoadResult) -> Outcome:
    """Which files the run published, refused whole, or found unchanged. A workbook's sheets
    share one transaction and one fate; the parts of a rejects file (one per dataset) are
    loaded one by one, and where they end differently each part is named."""
    out = Outcome()
    by_file: dict[str, list[FileReport]] = {}
    for report in result.files:
        by_file.setdefault(report.file, []).append(report)
    for name, reports in by_file.items():
        states = {_state(r) for r in reports}
        for report in reports:
            state = _state(report)
            shown = name
            if len(states) > 1 and report.dataset:
                shown = f"{name}（{DATASETS[report.dataset].label}部分）"
            bucket = getattr(out, state)
            if not bucket or bucket[-1].name != shown:
                bucket.append(Entry(shown))
            bucket[-1].rows_loaded += report.rows_loaded
            bucket[-1].rows_rejected += report.rows_rejected
    return out


def run_summary(result: LoadResult, *, check: bool = False) -> str:
    """The lines that end a run's report: what was published and what was not, e.g.

    本批（批次 7）结果：
      已发布：a.csv、b.xlsx（入库 120 行，拒收 3 行）
      未发布：c.csv（拒收整个文件）
    """
    o = outcome(result)
    if check:
        lines = ["检查结果（只是检查，未发布任何数据，仓库未改变）："]
        labels = ("可以发布", "不能发布", "无需发布")
    else:
        batch = f"（批次 {result.run_id}）" if result.run_id is not None else ""
        lines = [f"本批{batch}结果："]
        labels = ("已发布", "未发布", "未更改")
    if o.published:
        loaded, rejected = sum(e.rows_loaded for e in o.published), sum(e.rows_rejected for e in o.published)
        lines.append(f"  {labels[0]}：{_names(o.published)}（入库 {loaded:,} 行，拒收 {rejected:,} 行）")
    if o.refused:
        lines.append(f"  {labels[1]}：{_names(o.refused)}（拒收整个文件，其中的数据一行也没有入库）")
    if o.unchanged:
        lines.append(f"  {labels[2]}：{_names(o.unchanged)}（内容与已加载的相同）")
    if not o.published and not check:
        lines.append("  仓库未做任何更改")
    if not result.files:
        lines.append("  没有文件")
    return "\n".join(lines)


def _names(entries: list[Entry]) -> str:
    return "、".join(e.name for e in entries)


def as_json(result: LoadResult) -> str:
    """The report as one JSON object: the run, each file's report, and the outcome."""
    o = outcome(result)

    def entries(es: list[Entry]) -> list[dict]:
        return [{"file": e.name, "rows_loaded": e.rows_loaded, "rows_rejected": e.rows_rejected} for e in es]

    return json.dumps(
        {
            "run_id": result.run_id,
            "files": [f.as_json() for f in result.files],
            "published": entries(o.published),
            "not_published": entries(o.refused),
            "unchanged": entries(o.unchanged),
            "exit_code": o.exit_code,
        },
        ensure_ascii=False,
        indent=2,
        default=str,
    )


def load_summary(result: LoadResult, dataset: str | None = None) -> str:
    """One line for the audit log: files, dataset, rows loaded and rejected, files refused."""
    files = "、".join(dict.fromkeys(f.file for f in result.files)) or "—"
    loaded = sum(f.rows_loaded for f in result.files)
    rejected = sum(f.rows_rejected for f in result.files)
    refused = [f.file for f in result.files if f.refused]
    skipped = [f.file for f in result.files if f.skipped]
    text = f"files: {files}; dataset: {dataset or 'auto'}; loaded {loaded}, rejected {rejected}"
    if refused:
        text += f"; refused: {'、'.join(refused)}"
    if skipped:
        text += f"; unchanged: {'、'.join(skipped)}"
    return text
