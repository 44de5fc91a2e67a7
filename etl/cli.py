"""`python -m etl load|rejects|check|demo|users|tokens`: a thin command line over etl.pipeline
and the access store (security/store.py).

Exit codes: 0 when every file was read (rows may still be rejected), 1 when a file
was refused whole, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Optional, Sequence

from etl.pipeline import FileReport, LoadResult, _whoami, last_rejects, load_files, report_json
from etl.schema import DATASETS
from etl.warehouse import DEFAULT_WAREHOUSE


def _warehouse_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="DuckDB file (default: $WAREHOUSE or data/warehouse.duckdb)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Load property-supervision ledgers into DuckDB.")
    sub = parser.add_subparsers(dest="command", required=True)

    load = sub.add_parser("load", help="load ledger files (CSV/XLSX) into the warehouse and publish it")
    _warehouse_option(load)
    load.add_argument("--dataset", choices=sorted(DATASETS), help="the dataset of the files (default: from the header)")
    load.add_argument("--json", action="store_true", help="print the report as one JSON object")
    load.add_argument("--user", help="who loads (default: $ETL_USER or the login name)")
    load.add_argument("files", nargs="+", type=Path, metavar="FILE")

    check = sub.add_parser("check", help="validate files against a scratch copy of the warehouse; publish nothing")
    _warehouse_option(check)
    check.add_argument("--dataset", choices=sorted(DATASETS))
    check.add_argument("--json", action="store_true")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")

    rejects = sub.add_parser("rejects", help="list the rejected rows of the last load, for the clerk to fix")
    _warehouse_option(rejects)
    rejects.add_argument("--csv", type=Path, help="also write them to this CSV (UTF-8 with BOM, opens in Excel)")

    demo = sub.add_parser("demo", help="generate the demo ledgers and load them through the real ETL")
    _warehouse_option(demo)

    users = sub.add_parser("users", help="manage the dashboard's users (access.sqlite beside the warehouse)")
    users_sub = users.add_subparsers(dest="action", required=True)
    add = users_sub.add_parser("add", help="add a user; asks for the password twice (or reads it from stdin)")
    _warehouse_option(add)
    add.add_argument("name", help="login name")
    add.add_argument("--role", required=True, choices=["leader", "supervisor", "county", "admin"],
                     help="leader 领导, supervisor 纪检监督, county 县区 officer, admin 管理员")
    add.add_argument("--county", help="county-level region code, for --role county (e.g. 140702 榆次区)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    passwd = users_sub.add_parser("passwd", help="set a user's password (ends the user's sessions, lifts a lock-out)")
    _warehouse_option(passwd)
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    for action, text in (("disable", "disable a user and end the user's sessions"), ("enable", "enable a user again")):
        p = users_sub.add_parser(action, help=text)
        _warehouse_option(p)
        p.add_argument("name")
    listing = users_sub.add_parser("list", help="list the users, their roles and state")
    _warehouse_option(listing)
    listing.add_argument("--json", action="store_true")

    tokens = sub.add_parser("tokens", help="manage the wall display's screen tokens (/screen?token=…)")
    tokens_sub = tokens.add_subparsers(dest="action", required=True)
    new = tokens_sub.add_parser("add", help="create a screen token and print it once")
    _warehouse_option(new)
    new.add_argument("--label", default="", help="where the display is (for the list)")
    revoke = tokens_sub.add_parser("revoke", help="revoke a screen token by its number")
    _warehouse_option(revoke)
    revoke.add_argument("id", type=int)
    token_list = tokens_sub.add_parser("list", help="list the screen tokens (numbers and labels, never the tokens)")
    _warehouse_option(token_list)
    return parser


def _warehouse(args) -> Path:
    return args.warehouse or Path(os.environ.get("WAREHOUSE", DEFAULT_WAREHOUSE))


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "load":
        user = args.user or os.environ.get("ETL_USER") or _whoami()
        result = load_files(args.files, _warehouse(args), args.dataset, user, progress=_progress_factory())
        _audit_load(_warehouse(args), user, result, args.dataset)
        return _finish(result, args.json)
    if args.command == "check":
        return _check(args)
    if args.command == "rejects":
        return _rejects(_warehouse(args), args.csv)
    if args.command == "demo":
        from etl import demo

        result = demo.build(_warehouse(args))
        print(f"演示数据已加载到 {_warehouse(args)}：{len(result.files)} 个文件，"
              f"{sum(f.rows_loaded for f in result.files)} 行")
        return 0 if result.ok else 1
    if args.command == "users":
        return _users(args)
    if args.command == "tokens":
        return _tokens(args)
    return 2


def _password(args) -> Optional[str]:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("密码 Password: ")
    if getpass.getpass("再次输入 Again: ") != first:
        print("两次输入的密码不一致", file=sys.stderr)
        return None
    return first


def _users(args) -> int:
    from security.store import Store, StoreError

    store = Store.for_warehouse(_warehouse(args))
    try:
        if args.action == "add":
            password = _password(args)
            if password is None:
                return 1
            user = store.add_user(args.name, args.role, password, args.county)
            print(f"已添加用户 {user.name}（{user.role}{'，' + user.county if user.county else ''}）")
        elif args.action == "passwd":
            password = _password(args)
            if password is None:
                return 1
            store.set_password(args.name, password)
            print(f"已设置用户 {args.name} 的密码")
        elif args.action in ("disable", "enable"):
            store.set_disabled(args.name, args.action == "disable")
            print(f"已{'停用' if args.action == 'disable' else '启用'}用户 {args.name}")
        else:
            rows = [{"name": u.name, "role": u.role, "county": u.county, "disabled": u.disabled,
                     "locked_until": u.locked_until.isoformat(timespec="seconds") + "Z" if u.locked_until else None}
                    for u in store.users()]
            if args.json:
                print(json.dumps(rows, ensure_ascii=False))
            else:
                for r in rows:
                    state = "停用" if r["disabled"] else (f"锁定至 {r['locked_until']}" if r["locked_until"] else "正常")
                    print(f"{r['name']}\t{r['role']}\t{r['county'] or ''}\t{state}")
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _tokens(args) -> int:
    from security.store import Store, StoreError

    store = Store.for_warehouse(_warehouse(args))
    try:
        if args.action == "add":
            token_id, token = store.add_screen_token(args.label)
            print(f"大屏令牌 #{token_id}（只显示这一次）：{token}")
            print(f"大屏地址：/screen?token={token}")
        elif args.action == "revoke":
            store.revoke_screen_token(args.id)
            print(f"已吊销大屏令牌 #{args.id}")
        else:
            for t in store.screen_tokens():
                state = f"已吊销 {t['revoked_at']:%Y-%m-%d %H:%M}" if t["revoked_at"] else "有效"
                print(f"#{t['id']}\t{t['label']}\t{t['created_at']:%Y-%m-%d %H:%M}\t{state}")
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _finish(result: LoadResult, as_json: bool) -> int:
    if as_json:
        print(report_json(result))
    else:
        for report in result.files:
            print(format_report(report))
    return 0 if result.ok else 1


def _check(args) -> int:
    import shutil

    source = _warehouse(args)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "check.duckdb"
        if source.exists():
            shutil.copyfile(source, copy)
        result = load_files(args.files, copy, args.dataset, "check", progress=_progress_factory())
    return _finish(result, args.json)


CLI_REJECTS_HINT = "全部请运行 python -m etl rejects"


def format_report(report: FileReport, rejects_hint: str = CLI_REJECTS_HINT) -> str:
    """The load report of one file, as a clerk reads it (the command line and the admin's
    upload page print the same text; `rejects_hint` says where the full list of rejects is)."""
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
    lines.append(f"  读取 {report.rows_read} 行 = 入库 {report.rows_loaded} 行 + 拒收 {report.rows_rejected} 行"
                 f"；替换旧记录 {report.rows_replaced} 行")
    for warning in report.warnings[:20]:
        lines.append(f"  提示：{warning}")
    if len(report.warnings) > 20:
        lines.append(f"  …另有 {len(report.warnings) - 20} 条提示")
    if report.rejects:
        lines.append(f"  拒收原因（前 {len(report.rejects)} 条，{rejects_hint}）：")
        lines.extend(f"    {r.reason}" for r in report.rejects)
    return "\n".join(lines)


def _rejects(warehouse: Path, out: Optional[Path]) -> int:
    if not warehouse.exists():
        print(f"仓库 {warehouse} 不存在：还没有加载过数据", file=sys.stderr)
        return 1
    loads, rejects = last_rejects(warehouse)
    if not loads:
        print("还没有加载记录")
        return 0
    for load in loads:
        where = f"（工作表“{load['sheet']}”）" if load["sheet"] else ""
        print(f"■ {load['file']}{where}：读取 {load['rows_read']} 行，拒收 {load['rows_rejected']} 行")
    for _, _, _, _, _, reason, _ in rejects:
        print(f"  {reason}")
    if out:
        out.write_bytes(rejects_csv(rejects))
        print(f"已写出 {len(rejects)} 条拒收记录到 {out}")
    return 0


def rejects_csv(rejects: Sequence[tuple]) -> bytes:
    """Rejected rows as a CSV for the clerk to fix and send again: file, sheet, row number,
    column, reason, then the row's own cells under its own headers. UTF-8 with a BOM, which
    Excel needs to open UTF-8. `rejects`: (load_id, file, sheet, row, column, reason, raw JSON)
    as `etl.pipeline.last_rejects` and `rejects_of` return them. Used by `python -m etl
    rejects --csv` and the admin's upload page."""
    names = {c.name: c.label for ds in DATASETS.values() for c in ds.columns}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headers: list[str] = []
    parsed = [json.loads(raw) if raw else {} for *_, raw in rejects]
    for row in parsed:
        headers.extend(h for h in row if h not in headers)
    writer.writerow(["文件", "工作表", "行号", "列", "拒收原因", *headers])
    for (_load_id, file, sheet, row, column, reason, _), values in zip(rejects, parsed):
        writer.writerow([file, sheet or "", row, names.get(column, column or ""), reason,
                         *(values.get(h) for h in headers)])
    return buffer.getvalue().encode("utf-8-sig")


def load_summary(result: LoadResult, dataset: Optional[str] = None) -> str:
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


def _audit_load(warehouse: Path, user: str, result: LoadResult, dataset: Optional[str]) -> None:
    """An audit record of a command-line load (who: the OS user, or --user / $ETL_USER), in the
    access store beside the warehouse; a failure to write it is reported, never fatal."""
    try:
        from security.store import Store

        Store.for_warehouse(warehouse).record(user, "cli", "load", "python -m etl load: " + load_summary(result, dataset))
    except Exception as exc:
        print(f"audit: could not record the load: {exc}", file=sys.stderr)


def _progress_factory():
    """A progress bar per file that shows itself only when a file takes more than a moment."""
    from tqdm import tqdm

    stages = ("校验", "读取", "整理", "校验", "写入")

    def for_file(path: Path):
        bar = tqdm(total=len(stages), desc=path.name, unit="步", delay=1.0, leave=False, file=sys.stderr)
        seen = {"n": 0}

        def step(stage: str) -> None:
            if seen["n"] < len(stages):
                bar.set_postfix_str(stage, refresh=False)
                bar.update(1)
                seen["n"] += 1
            if seen["n"] >= len(stages):
                bar.close()

        return step

    return for_file


def reference_markdown() -> str:
    """The command-line reference (docs/cli.md), generated from the parser itself."""
    import io
    from contextlib import redirect_stdout

    parser = build_parser()
    out = ["# `python -m etl` reference", "", "Generated from `etl/cli.py` by "
           "`python -c 'from etl.cli import reference_markdown; print(reference_markdown(), end=\"\")' > docs/cli.md`.", ""]

    def commands(name: str, command: argparse.ArgumentParser):
        yield name, command
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                for n, p in action.choices.items():
                    yield from commands(f"{name} {n}", p)

    for name, command in commands("python -m etl", parser):
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            command.print_help()
        out += [f"## `{name}`", "", "```", buffer.getvalue().rstrip().replace("usage: ", "usage: ", 1), "```", ""]
    return "\n".join(out)
