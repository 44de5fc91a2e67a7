"""`scripts/etl load|check|rejects|demo|escalate|users|tokens|audit` (or `python -m etl …` in the project's
virtual environment): a thin command line over etl.pipeline, etl.rejects, etl.report and the
access store (security/store.py).

Exit codes (etl/report.py): 0 when every file was read (rows may still be rejected) or was
unchanged, 1 when some files were refused whole and the others published, 3 when nothing was
published, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import settings
from etl import report as rp
from etl.cli_access import _audit, _audit_verify, _tokens, _users, _warehouse
from etl.pipeline import LoadResult, _whoami, load_files
from vocab.roles import ROLES
from vocab.schema import DATASETS

WRAPPER = "scripts/etl"  # the name the README and docs/cli.md use


def _warehouse_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse", type=Path, default=None, help="DuckDB file (default: $WAREHOUSE or data/warehouse.duckdb)"
    )


def _prog() -> str:
    """How this command line was started, for the commands a report tells the clerk to run:
    the wrapper passes its own path (ETL_PROG), else `python -m etl`."""
    return settings.get("ETL_PROG") or "python -m etl"


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog or _prog(), description="Load property-supervision ledgers into DuckDB.")
    sub = parser.add_subparsers(dest="command", required=True)

    load = sub.add_parser(
        "load",
        help="load ledger files (CSV/XLSX) into the warehouse and publish it",
        description="Load ledger files into the warehouse, each file in a transaction of its own, and publish "
        "the warehouse once at the end. A rejects CSV written by `rejects --csv` (or the upload "
        "page) and fixed is recognised and loaded into each row's own dataset. Exit code: 0 every "
        "file read (rows may be rejected) or unchanged; 1 some files refused whole, the others "
        "published; 3 nothing published.",
    )
    _warehouse_option(load)
    load.add_argument("--dataset", choices=sorted(DATASETS), help="the dataset of the files (default: from the header)")
    load.add_argument("--json", action="store_true", help="print the report as one JSON object")
    load.add_argument("--user", help="who loads (default: $ETL_USER or the login name)")
    load.add_argument("files", nargs="+", type=Path, metavar="FILE")

    check = sub.add_parser(
        "check",
        help="validate files against a scratch copy of the warehouse; publish nothing",
        description="Load the files into a scratch copy of the warehouse and report as `load` would; the "
        "warehouse is not changed. The check's rejects are kept (the latest 20 checks): "
        "`rejects --check N` lists them. Exit codes as `load`'s.",
    )
    _warehouse_option(check)
    check.add_argument("--dataset", choices=sorted(DATASETS))
    check.add_argument("--json", action="store_true")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")

    rejects = sub.add_parser(
        "rejects",
        help="list the rejected rows of a load run (or a check), for the clerk to fix",
        description="List the rejected rows of a load run (default: the latest) or of a check, and write "
        "them as a CSV to fix and load again (`load fixed.csv`).",
    )
    _warehouse_option(rejects)
    which = rejects.add_mutually_exclusive_group()
    which.add_argument("--run", type=int, metavar="N", help="the load run N (its report names it; default: the latest)")
    which.add_argument(
        "--check",
        type=int,
        nargs="?",
        const=0,
        metavar="N",
        help="the check N (its report names it; without N: the latest check)",
    )
    rejects.add_argument(
        "--csv",
        type=Path,
        help="also write them to this CSV (UTF-8 with BOM, opens in Excel), "
        "one line per rejected row, to fix and load again",
    )
    rejects.add_argument(
        "--unmasked",
        action="store_true",
        help="write phone numbers in full. They are personal data: only the supervisor role "
        "(纪检监督) may see them; by default, and for everyone else, the CSV masks them "
        "as 138****5678 (a masked number loaded back is restored from the stored row). "
        "Recorded in the audit log",
    )

    demo = sub.add_parser(
        "demo",
        help="generate the demo ledgers and load them through the real ETL into the demo's "
        "own warehouse (data/demo/warehouse.duckdb); refuses a warehouse with real data",
    )
    demo.add_argument(
        "--warehouse", type=Path, default=None, help="DuckDB file (default: data/demo/warehouse.duckdb, the demo's own)"
    )
    upgrade = sub.add_parser(
        "upgrade",
        help="publish the warehouse again under this version's contract (after an upgrade of the dashboard)",
        description="A warehouse published by an older version lacks the tables and columns a newer contract has; "
        "the pages that need them say so until it is published again. This adds them (empty until a ledger fills "
        "them; nothing is dropped), rebuilds every mart from all rows and publishes, as a load does. Exit code: 0 "
        "done or already up to date, 3 no warehouse.",
    )
    _warehouse_option(upgrade)
    escalate = sub.add_parser(
        "escalate",
        help="apply the escalation rules for a day: propose or issue the next step of the ladder",
        description="Apply the escalation rules (data/escalation_rules.csv, or $ESCALATION_RULES) to the documents "
        "issued and the open cases on a day: what a rule finds becomes a proposal a leader or supervisor confirms "
        "on 督办, or a document the system issues by itself (numbered and audited). Idempotent: run twice for the "
        "same day, the second run proposes and issues nothing new. With $WEBHOOK_URL set, the new warnings and "
        "escalations are posted to the WeCom or DingTalk group robot (each once; a failed post is retried at the "
        "next run). Exit code: 0 done, 2 usage or a rules file with problems, 3 no warehouse.",
    )
    _warehouse_option(escalate)
    escalate.add_argument("--today", help="the day to run for, YYYY-MM-DD (default: today in Beijing)")
    escalate.add_argument(
        "--json", action="store_true", help='print exactly {"proposed": [...], "issued": [...]} as one JSON object'
    )
    users = sub.add_parser("users", help="manage the dashboard's users (access.sqlite beside the warehouse)")
    users_sub = users.add_subparsers(dest="action", required=True)
    add = users_sub.add_parser(
        "add",
        help="add a user; asks for the password twice (or reads it from stdin)",
        description="Add a user. The password needs at least 10 characters, must not be or contain the user name, "
        "and must not be easy to guess (common passwords, words, names, dates, keyboard runs: zxcvbn "
        "score 3 or more). Every change of users, passwords, roles and tokens is audited.",
    )
    _warehouse_option(add)
    add.add_argument("name", help="login name")
    add.add_argument(
        "--role",
        required=True,
        choices=ROLES,
        help="leader 领导, supervisor 纪检监督, county 县区 officer, admin 管理员",
    )
    add.add_argument("--county", help="county-level region code, for --role county (e.g. 140702 榆次区)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    passwd = users_sub.add_parser("passwd", help="set a user's password (same policy as add; ends the user's sessions)")
    _warehouse_option(passwd)
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    for action, text in (("disable", "disable a user and end the user's sessions"), ("enable", "enable a user again")):
        p = users_sub.add_parser(action, help=text)
        _warehouse_option(p)
        p.add_argument("name")
    role = users_sub.add_parser("role", help="change a user's role (ends the user's sessions)")
    _warehouse_option(role)
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=ROLES)
    role.add_argument("--county", help="county-level region code, for --role county")
    listing = users_sub.add_parser("list", help="list the users, their roles, state and failed sign-ins in a row")
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

    audit = sub.add_parser("audit", help="the audit log (access.sqlite beside the warehouse)")
    audit_sub = audit.add_subparsers(dest="action", required=True)
    verify = audit_sub.add_parser(
        "verify",
        help="check the audit log's hash chain",
        description="Recompute the audit log's hash chain: each record's hash covers the one before, so a record "
        "rewritten, deleted or cut off the end is found. Prints whether the chain is whole or the "
        "first record that does not fit. Exit code 0 whole, 1 broken.",
    )
    _warehouse_option(verify)
    verify.add_argument("--json", action="store_true", help="print the result as one JSON object")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.umask(0o077)  # what the ETL writes (warehouse, access store, kept checks, rejects CSV) is the owner's only
    if args.command == "load":
        return _load(args)
    if args.command == "check":
        return _check(args)
    if args.command == "rejects":
        return _rejects(args)
    if args.command == "demo":
        from etl import demo

        target = args.warehouse or demo.DEMO_WAREHOUSE  # never $WAREHOUSE: that is the real one
        try:
            result = demo.build(target)
        except demo.DemoRefused as exc:
            print(f"已拒绝：{exc}", file=sys.stderr)
            return 2
        print(f"演示数据已加载到 {target}：{len(result.files)} 个文件，{sum(f.rows_loaded for f in result.files)} 行")
        return 0 if result.ok else 1
    if args.command == "upgrade":
        return _upgrade(_warehouse(args))
    if args.command == "escalate":
        # the one command of the ETL's command line that runs the layer above it (pyproject.toml: ignore_imports)
        from workflow import escalate_cli

        return escalate_cli.main(_warehouse(args), args.today, args.json)
    if args.command == "users":
        return _users(args)
    if args.command == "tokens":
        return _tokens(args)
    if args.command == "audit":
        return _audit_verify(args)
    return 2


def _upgrade(target: Path) -> int:
    from etl.warehouse import upgrade

    if not target.exists():
        print(f"没有数据仓库：{target}", file=sys.stderr)
        return 3
    added = upgrade(target)
    if not added:
        print(f"数据仓库已是当前版本，未重新发布：{target}")
    else:
        print(
            f"已按当前版本重新发布 {target}：补上 {len(added)} 项（{'、'.join(added[:8])}{' 等' if len(added) > 8 else ''}）"
        )
    return 0


def _hint_command(args, *rest: str) -> str:
    """The command, as the clerk would type it, that lists this run's or check's rejects."""
    words = [_prog(), "rejects", *rest]
    if args.warehouse is not None or settings.get("WAREHOUSE"):
        words += ["--warehouse", shlex.quote(str(_warehouse(args)))]
    return " ".join(words)


def _print_run(result: LoadResult, as_json: bool, hint: str, check: bool = False) -> int:
    if as_json:
        print(rp.as_json(result))
    else:
        for report in result.files:
            print(rp.format_report(report, hint))
        print(rp.run_summary(result, check=check))
    return rp.outcome(result).exit_code


def _failed(exc: Exception) -> int:
    """A run that stopped before publishing (disk full, the lock, a bug): nothing published."""
    print(f"加载中断，没有发布任何数据，仓库未做任何更改：{type(exc).__name__}: {exc}", file=sys.stderr)
    return rp.EXIT_NOTHING


def _load(args) -> int:
    user = args.user or settings.get("ETL_USER") or _whoami()
    try:
        result = load_files(args.files, _warehouse(args), args.dataset, user, progress=_progress_factory())
    except Exception as exc:
        return _failed(exc)
    _audit(_warehouse(args), user, "load", f"{_prog()} load: " + rp.load_summary(result, args.dataset))
    hint = f"全部请运行 {_hint_command(args, '--run', str(result.run_id))}"
    return _print_run(result, args.json, hint)


def _check(args) -> int:
    import shutil

    from etl.rejects import checks_dir, read_run, save_check

    source = _warehouse(args)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "check.duckdb"
            if source.exists():
                shutil.copyfile(source, copy)
            result = load_files(
                args.files, copy, args.dataset, "check", progress=_progress_factory(), checks=checks_dir(source)
            )
            number = None
            if result.run_id is not None:
                _, loads, rejects = read_run(copy, result.run_id)
                number = save_check(source, loads, rejects)
    except Exception as exc:
        return _failed(exc)
    hint = f"全部请运行 {_hint_command(args, '--check', str(number))}"
    return _print_run(result, args.json, hint, check=True)


def _rejects(args) -> int:
    from etl.rejects import checks_dir, read_check, read_run, rejects_csv

    warehouse = _warehouse(args)
    if args.check is not None:
        number, loads, rejects = read_check(checks_dir(warehouse), args.check or None)
        if not loads:
            print(f"没有检查 {number} 的记录（只保留最近 20 次检查）" if number else "还没有检查记录", file=sys.stderr)
            return 1
        title = f"检查 {number}（{loads[0]['loaded_at']:.19}，未发布）"
    else:
        if not warehouse.exists():
            print(f"仓库 {warehouse} 不存在：还没有加载过数据", file=sys.stderr)
            return 1
        number, loads, rejects = read_run(warehouse, args.run)
        if not loads:
            print(f"没有批次 {args.run} 的加载记录" if args.run else "还没有加载记录", file=sys.stderr)
            return 1 if args.run else 0
        title = f"批次 {number}（{loads[0]['loaded_at']:%Y-%m-%d %H:%M:%S}，{loads[0]['loaded_by']} 加载）"
    print(f"{title}：{len(loads)} 个文件（工作表），拒收 {sum(ld['rows_rejected'] for ld in loads)} 行")
    for load in loads:
        where = f"（工作表“{load['sheet']}”）" if load["sheet"] else ""
        label = DATASETS[load["dataset"]].label
        print(f"■ {load['file']}{where}：{label}，读取 {load['rows_read']} 行，拒收 {load['rows_rejected']} 行")
        for r in rejects:
            if r["load_id"] == load["load_id"]:
                print(f"  {r['reason']}")
    if args.csv:
        data = rejects_csv(rejects, masked=not args.unmasked, check=number if args.check is not None else None)
        args.csv.write_bytes(data)
        lines = len({(r["load_id"], r["row"]) for r in rejects})
        phones = "联系电话为完整号码（个人信息，请妥善保管）" if args.unmasked else "联系电话已遮盖"
        print(
            f"已写出 {lines} 行拒收记录到 {args.csv}（{phones}）。改正后可直接重新加载：{_prog()} load {shlex.quote(str(args.csv))}"
        )
        if args.unmasked:
            who = settings.get("ETL_USER") or _whoami()
            _audit(warehouse, who, "export", f"{_prog()} rejects --csv {args.csv} --unmasked: {lines} rows")
    return 0


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

    parser = build_parser(WRAPPER)
    out = [
        f"# `{WRAPPER}` reference",
        "",
        f"`{WRAPPER}` runs `python -m etl` in the project's virtual environment "
        "(creating it on first use). Generated from `etl/cli.py` by "
        "`COLUMNS=100 .venv/bin/python -c 'from etl.cli import reference_markdown; "
        'print(reference_markdown(), end="")\' > docs/cli.md`.',
        "",
    ]

    def commands(name: str, command: argparse.ArgumentParser):
        yield name, command
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                for n, p in action.choices.items():
                    yield from commands(f"{name} {n}", p)

    for name, command in commands(WRAPPER, parser):
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            command.print_help()
        out += [f"## `{name}`", "", "```", buffer.getvalue().rstrip().replace("usage: ", "usage: ", 1), "```", ""]
    return "\n".join(out)
