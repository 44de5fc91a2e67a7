"""The demo's public users and screen token, and the check that keeps them out of a real
deployment."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from werkzeug.security import check_password_hash

from security.store_schema import digest, screen_tokens, store_location, store_path, store_url, users

DEMO_USERS = (
    ("leader", "leader", None),
    ("supervisor", "supervisor", None),
    ("county_140702", "county", "140702"),
    ("admin", "admin", None),
)
DEMO_SCREEN_TOKEN = "demo-screen"


def install_demo_users(warehouse: Path | str):
    """The demo's users (password `demo-<name>`) and screen token `demo-screen`. Only for
    the demo warehouse: etl.demo.build and `python app.py`'s first start call it."""
    from security.store import Store

    store = Store.for_warehouse(warehouse)
    for name, role, county in DEMO_USERS:
        store.ensure_user(name, role, f"demo-{name}", county, by="demo", policy=False)  # public demo passwords
    store.add_screen_token("demo", DEMO_SCREEN_TOKEN, by="demo")
    return store


def real_users(warehouse: Path | str | None) -> list[str]:
    """The names of the users in the access store of `warehouse` (the file beside it, or the
    server of ACCESS_DB_URL) who are not the demo's: a real deployment. Reads only; creates no
    store where there is none."""
    if not store_url() and not store_path(warehouse).exists():
        return []
    from security.store import Store

    demo_names = {name for name, _, _ in DEMO_USERS}
    return [u.name for u in Store.for_warehouse(warehouse).users() if u.name not in demo_names]


def open_to_the_public(warehouse: Path | str | None) -> str | None:
    """Why a real deployment (scripts/serve.sh, no DEMO) must not be served, or None: the demo's
    public credentials would open it — a store set up by an older README, whose first start
    built the demo into data/: anyone who read the README would be its administrator."""
    found = demo_credentials(warehouse)
    if not found:
        return None
    return (
        f"拒绝启动：正式部署的访问库 {store_location(warehouse)} 中仍有演示账号或大屏令牌，密码公开，"
        f"任何读过 README 的人都能登录：{'、'.join(found)}。请先停用或改密（scripts/etl users disable "
        f"用户名，或 users passwd 用户名），吊销令牌（scripts/etl tokens list，tokens revoke 编号），再启动；"
        f"只想看演示请运行 bash scripts/run.sh。"
    )


def demo_credentials(warehouse: Path | str | None) -> list[str]:
    """The demo's public credentials that would open the store beside `warehouse`: a demo user,
    enabled, whose password is still `demo-<name>`, and the screen token `demo-screen` not
    revoked. Reads only (no failed-login count, no audit record, no store created)."""
    if not store_url() and not store_path(warehouse).exists():
        return []
    from security.store import Store

    found = []
    with Store.for_warehouse(warehouse).engine.connect() as con:
        for name, _, _ in DEMO_USERS:
            row = con.execute(select(users.c.password_hash, users.c.disabled).where(users.c.name == name)).first()
            if row is not None and not row.disabled and check_password_hash(row.password_hash, f"demo-{name}"):
                found.append(f"{name} / demo-{name}")
        if con.execute(
            select(screen_tokens.c.id).where(
                screen_tokens.c.token_hash == digest(DEMO_SCREEN_TOKEN), screen_tokens.c.revoked_at.is_(None)
            )
        ).first():
            found.append(f"/screen?token={DEMO_SCREEN_TOKEN}")
    return found
