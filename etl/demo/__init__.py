"""The demo data set: ledgers written the way clerks write them, telling the story of the
published reports (`shared/design/published-figures.md`).

`generate(out_dir)` writes the ledgers (XLSX with title rows and a 合计 row, CSV in
GB18030 or UTF-8 with BOM, amounts in 元 or 万元) and returns their paths in load
order; `build(warehouse)` generates them and loads them through the real ETL.

Everything is synthetic and deterministic: one `random.Random(SEED)`, fixed dates,
no iteration over sets, and XLSX files written with fixed timestamps, so that two runs
give byte-identical files. Every published figure comes out of the rows exactly; the
targets are the constants in the `FIGURES` block below.

>>> paths = generate(Path("data/demo"))
>>> result = build(Path("data/warehouse.duckdb"))
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from etl.demo.figures import SEED, TODAY
from etl.demo.helpers import make_uscc, org_check_digit
from etl.demo.world import DemoWorld
from etl.normalize import uscc_check_digit

# what other modules and tests take from here (the builder's parts are the package's modules)
__all__ = [
    "DEFAULT_OUT",
    "DEMO_USER",
    "DEMO_WAREHOUSE",
    "SEED",
    "TODAY",
    "DemoLoadError",
    "DemoRefused",
    "DemoWorld",
    "build",
    "current",
    "fingerprint",
    "generate",
    "make_uscc",
    "org_check_digit",
    "rebuild",
    "refusal",
    "uscc_check_digit",
]

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "data" / "demo"  # etl/demo/__init__.py: the project root is two up


# ---------------------------------------------------------------- entry points


class DemoLoadError(RuntimeError):
    """The ETL refused a demo file: the demo and the loader disagree."""


def generate(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Write the demo ledgers under `out_dir`; their paths in load order (master data first).

    >>> [p.name for p in generate(Path("/tmp/demo"))][:2]
    ['01_物业服务企业名录.xlsx', '02_晋中市住宅小区基础信息台账.xlsx']
    """
    ledgers, reports = _generated(Path(out_dir))
    return ledgers + sorted(p for _, p in reports)  # the counties' monthly reports: `build` loads them first


def _generated(out_dir: Path) -> tuple[list[Path], list[tuple]]:
    """The full ledgers in load order, and the counties' monthly reports with their arrival times
    (etl/demo/reports.py), which `build` loads first, each at its time."""
    out_dir.mkdir(parents=True, exist_ok=True)
    world = DemoWorld(SEED)
    world.generate()
    return world.files(out_dir), world.report_files(out_dir)


# The code a demo warehouse was built by: its row in etl.deadlines.STAMPS (`build` writes it).
STAMP = "demo_code"


def fingerprint() -> str:
    """The code the demo is made by: the generator and the ETL that loads it (etl/, vocab/) and
    the region table. A demo warehouse stamped with another is rebuilt (app.ensure_demo), so the
    demo shows what this code computes, not what an older generator or loader wrote."""
    root = DEFAULT_OUT.parents[1]
    sources = [*(root / "etl").rglob("*.py"), *(root / "vocab").rglob("*.py"), root / "data" / "regions.csv"]
    digest = hashlib.sha256()
    for path in sorted(sources):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def current(warehouse: Path) -> bool:
    """Whether the demo `warehouse` was built by `build` from this code (its stamp is `fingerprint()`)."""
    from etl.deadlines import connection_rows, read_stamp
    from etl.warehouse import connect_read_only

    with connect_read_only(Path(warehouse)) as con:
        return read_stamp(connection_rows(con), STAMP) == fingerprint()


DEMO_WAREHOUSE = DEFAULT_OUT / "warehouse.duckdb"  # the demo's own warehouse; its access store lies beside it
DEMO_USER = "demo"  # loads.loaded_by of the demo's loads


class DemoRefused(Exception):
    """The warehouse (or the access store beside it) holds real data: the demo stays out."""


def refusal(warehouse: Path) -> str | None:
    """Why the demo may not be built into `warehouse`, or None: it holds loads other than the
    demo's, or its access store holds users other than the demo's. The demo's public users and
    screen token (`demo-admin`, `demo-screen`) in a real deployment would let anyone who read
    the README in as an administrator."""
    import duckdb

    from security.store import real_users, store_location

    warehouse = Path(warehouse)
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as con:
            has_loads = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'loads'"
            ).fetchone()[0]
            real = (
                con.execute(
                    "SELECT count(*), min(file) FROM loads WHERE loaded_by IS DISTINCT FROM ?", [DEMO_USER]
                ).fetchone()
                if has_loads
                else (0, None)
            )
        if real[0]:
            return (
                f"仓库 {warehouse} 中已有非演示数据（{real[0]} 次载入，如“{real[1]}”），演示数据不能装入真实仓库。"
                f"演示数据使用单独的演示仓库：scripts/etl demo（默认 {DEMO_WAREHOUSE}）"
            )
    others = real_users(warehouse)
    if others:
        return (
            f"{store_location(warehouse)} 中已有真实用户（{'、'.join(others[:3])}），演示数据的公开账号和大屏令牌不能装入真实部署。"
            f"演示数据使用单独的演示仓库：scripts/etl demo（默认 {DEMO_WAREHOUSE}）"
        )
    return None


def build(warehouse: Path = DEMO_WAREHOUSE, out_dir: Path | None = None):
    """Generate the demo and load it through the real ETL into `warehouse`; the LoadResult.

    Raises DemoRefused when the warehouse holds real data (`refusal`), DemoLoadError when the
    ETL refuses a file."""
    from etl.pipeline import load_files

    why = refusal(Path(warehouse))
    if why:
        raise DemoRefused(why)

    paths, reports = _generated(Path(out_dir) if out_dir is not None else DEFAULT_OUT)
    for at in sorted({at for at, _ in reports}):  # the monthly reports, each run at its arrival
        sent = load_files([p for t, p in reports if t == at], warehouse=warehouse, user=DEMO_USER, at=at)
        if any(f.refused for f in sent.files):
            raise DemoLoadError("；".join(f"{f.file}：{f.message}" for f in sent.files if f.refused))
    result = load_files(paths, warehouse=warehouse, user=DEMO_USER)
    refused = [f for f in result.files if f.refused]
    if refused:
        raise DemoLoadError("；".join(f"{f.file}：{f.message}" for f in refused))
    from etl.deadlines import put_stamp
    from etl.warehouse import publishing
    from security.store import install_demo_users

    with publishing(Path(warehouse)) as pub:  # the code it was built by (`current`)
        put_stamp(pub.con, STAMP, fingerprint())
        pub.changed = True

    install_demo_users(warehouse)  # the demo's users (password demo-<name>) and screen token demo-screen
    return result


def rebuild(warehouse: Path = DEMO_WAREHOUSE) -> None:
    """Build the demo afresh beside `warehouse` and put it in its place in one rename (under the
    loads' lock), so that a server still reading the old one sees the old file or the new one.
    The access store beside it stays (its demo users, sessions and audit log); the ledgers go to
    the demo's folder when the warehouse is the demo's own, else beside the new build."""
    import os
    import shutil

    from etl.warehouse import put_in_place
    from security.store import install_demo_users

    warehouse = Path(warehouse).resolve()
    why = refusal(warehouse)
    if why:
        raise DemoRefused(why)
    aside = warehouse.with_name(f".{warehouse.name}.rebuild-{os.getpid()}")
    shutil.rmtree(aside, ignore_errors=True)
    try:
        build(aside / "warehouse.duckdb", DEFAULT_OUT if warehouse == DEMO_WAREHOUSE.resolve() else aside / "ledgers")
        put_in_place(aside / "warehouse.duckdb", warehouse)
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    install_demo_users(warehouse)
