"""The access commands of `scripts/etl` (`users`, `tokens`, `audit verify`) and the audit record
of what the command line does: the part of the CLI that writes the access store
(security/store.py), apart from the loading commands of etl/cli.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import settings
from etl.clock import from_utc
from etl.pipeline import _whoami
from etl.warehouse import DEFAULT_WAREHOUSE


def _warehouse(args) -> Path:
    return args.warehouse or Path(settings.get("WAREHOUSE") or DEFAULT_WAREHOUSE)


def _password(args) -> str | None:
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
            user = store.add_user(args.name, args.role, password, args.county, by=_whoami())
            print(f"已添加用户 {user.name}（{user.role}{'，' + user.county if user.county else ''}）")
        elif args.action == "passwd":
            password = _password(args)
            if password is None:
                return 1
            store.set_password(args.name, password, by=_whoami())
            print(f"已设置用户 {args.name} 的密码")
        elif args.action in ("disable", "enable"):
            store.set_disabled(args.name, args.action == "disable", by=_whoami())
            print(f"已{'停用' if args.action == 'disable' else '启用'}用户 {args.name}")
        elif args.action == "role":
            store.set_role(args.name, args.role, args.county, by=_whoami())
            print(f"已将用户 {args.name} 的角色改为 {args.role}{'，' + args.county if args.county else ''}")
        else:
            rows = [
                {"name": u.name, "role": u.role, "county": u.county, "disabled": u.disabled, "failed": u.failed}
                for u in store.users()
            ]
            if args.json:
                print(json.dumps(rows, ensure_ascii=False))
            else:
                for r in rows:
                    state = "停用" if r["disabled"] else "正常"
                    failed = f"\t连续登录失败 {r['failed']} 次" if r["failed"] else ""
                    print(f"{r['name']}\t{r['role']}\t{r['county'] or ''}\t{state}{failed}")
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _tokens(args) -> int:
    from security.store import Store, StoreError

    store = Store.for_warehouse(_warehouse(args))
    try:
        if args.action == "add":
            token_id, token = store.add_screen_token(args.label, by=_whoami())
            print(f"大屏令牌 #{token_id}（只显示这一次）：{token}")
            print(f"大屏地址：/screen?token={token}")
        elif args.action == "revoke":
            store.revoke_screen_token(args.id, by=_whoami())
            print(f"已吊销大屏令牌 #{args.id}")
        else:
            for t in store.screen_tokens():
                # the store keeps UTC; shown in Beijing time, as everywhere
                state = f"已吊销 {from_utc(t['revoked_at']):%Y-%m-%d %H:%M}" if t["revoked_at"] else "有效"
                print(f"#{t['id']}\t{t['label']}\t{from_utc(t['created_at']):%Y-%m-%d %H:%M}（北京时间）\t{state}")
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _audit_verify(args) -> int:
    """`audit verify`: the chain whole (0) or the first record that does not fit (1)."""
    from security.store import Store

    check = Store.for_warehouse(_warehouse(args)).verify_audit()
    if args.json:
        print(json.dumps({"ok": check.ok, "rows": check.rows, "first_bad": check.first_bad, "problem": check.problem}))
    else:
        print(check.text("zh"), file=sys.stdout if check.ok else sys.stderr)
    return 0 if check.ok else 1


def _audit(warehouse: Path, user: str, event: str, detail: str) -> None:
    """An audit record of the command line (who: the OS user, or --user / $ETL_USER; role
    `cli`) in the access store beside the warehouse; a failure to write it is reported, never
    fatal."""
    try:
        from security.store import Store

        Store.for_warehouse(warehouse).record(user, "cli", event, detail)
    except Exception as exc:
        print(f"audit: could not record the {event}: {exc}", file=sys.stderr)
