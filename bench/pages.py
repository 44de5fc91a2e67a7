"""`python -m bench pages`: every callback of every page, server-side, against its bare SQL.

For each registered Dash callback (the shell's and every page's) and each of a few
representative views, the callback function runs with the inputs the browser would
send; every query it makes through metrics.db.Warehouse is recorded. The floor is those
same statements run bare on a DuckDB cursor (execute + fetch). Both are timed in the
same run, on the demo warehouse and on a copy scaled 100×, and the medians reported.
Targets: the slowest callback's median under 150 ms at 100×, and within 2× its bare SQL.
Export callbacks (they build an .xlsx for dcc.Download on a click) are timed and listed
but not held to the render target.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import tempfile
import time
from pathlib import Path

import settings
from bench.scale import scale

REPEAT = 5
TARGET_MS = 150.0
TARGET_RATIO = 2.0
PROVINCE_TARGET_MS = 300.0  # issue 17: every interactive callback at province scale
VIEWS = [
    {"region": "140700", "from": "2024-01-01", "to": "2025-05-31"},
    {"region": "140702", "from": "2024-01-01", "to": "2024-12-31"},
    {},
]


class Recorder:
    """Wraps Warehouse.frame/rows to record the statements a callback runs."""

    statements: list[tuple[str, list]] = []
    installed = False

    def install(self):
        from metrics import db

        if Recorder.installed:
            return
        Recorder.installed = True

        recorder = self
        original_frame, original_rows = db.Warehouse.frame, db.Warehouse.rows

        def frame(self, sql, params=()):
            recorder.statements.append(db._statement(sql, params))
            return original_frame(self, sql, params)

        def rows(self, sql, params=()):
            recorder.statements.append(db._statement(sql, params))
            return original_rows(self, sql, params)

        db.Warehouse.frame, db.Warehouse.rows = frame, rows


def _inputs(spec: list[dict], view: dict, path: str) -> list:
    from components import query

    values = []
    for item in spec:
        cid, prop = item["id"], item["property"]
        if isinstance(cid, str) and cid.startswith("{"):  # a pattern-matching id, as the app's map spells it
            cid = json.loads(cid)
        if isinstance(cid, dict) and prop == "id":
            import dash

            values.append([{**cid, "path": p["relative_path"]} for p in dash.page_registry.values()])
        elif isinstance(cid, dict):
            values.append([])
        elif prop == "data" and cid.endswith("-query"):
            values.append(dict(view))
        elif prop == "data" and cid.endswith("-seen"):  # a lazy panel (components/loading.lazy), scrolled to
            values.append(True)
        elif cid in ("url", "_pages_location") and prop == "search":  # the app's location, and Dash's pages router's
            values.append(query.build(view))
        elif cid in ("url", "_pages_location") and prop == "pathname":
            values.append(path)
        elif prop == "n_clicks":
            values.append(1)
        elif prop == "clickData":
            values.append({"points": [{"location": "140702", "customdata": ["140702", "榆次区"], "x": "榆次区"}]})
        elif cid == "shell-region":
            values.append(view.get("region"))
        elif cid == "shell-from":
            values.append(view.get("from"))
        elif cid == "shell-to":
            values.append(view.get("to"))
        else:
            values.append(None)
    return values


def _callbacks():
    from dash._callback import GLOBAL_CALLBACK_MAP

    import app as dash_app

    seen, functions = {}, set()
    for source in (GLOBAL_CALLBACK_MAP, dash_app.app.callback_map):
        for key, entry in source.items():
            fn = getattr(entry.get("callback"), "__wrapped__", None)  # clientside callbacks have none
            if fn is None or id(fn) in functions:
                continue
            functions.add(id(fn))
            # one function may serve several panels (components/panel.py): named by its output then
            name = fn.__name__ if fn.__name__ not in seen else f"{fn.__name__}[{key.strip('.').split('.')[0]}]"
            seen[name] = (fn, entry["inputs"], entry.get("state", []), fn.__module__)
            if "download" in key:
                _DOWNLOADS.add(id(fn))
            if entry.get("background"):
                _JOBS.add(id(fn))  # a large export's background job: run by the job manager, not here
    return seen


def _is_download(fn) -> bool:
    """Export callbacks (a file for dcc.Download) are reported but held to no render target."""
    return id(fn) in _DOWNLOADS


_DOWNLOADS: set[int] = set()
_JOBS: set[int] = set()


def _context() -> None:
    """The callback context Dash sets around a callback (its trigger read by some), for calling
    a callback's function directly."""
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    context_value.set(
        AttributeDict(
            triggered_inputs=[{"prop_id": "bench.bench", "value": None}],
            inputs_list=[],
            states_list=[],
            outputs_list=[],
        )
    )


def call(fn, *args):
    """A callback's function called as the server calls it (its context set): its answer."""
    _context()
    return fn(*args)


def _time(fn, *args) -> float:
    _context()
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def _bare(statements: list[tuple[str, list | dict]]) -> float:
    """The recorded statements alone, on a cursor of the same read-only instance."""
    from metrics.access import warehouse

    with warehouse().cursor() as cur:
        start = time.perf_counter()
        for sql, params in statements:
            cur.execute(sql, params).fetchall()
        return time.perf_counter() - start


def measure(warehouse: Path, label: str, only: str | None = None, exports: bool = True) -> list[dict]:
    """Every callback's median and its bare SQL's on `warehouse`. Without `exports`, export
    callbacks are listed as not timed: at province scale each builds a workbook of every row
    for tens of seconds (a background job in the app), which held a run for over an hour."""
    settings.put("WAREHOUSE", warehouse)
    from metrics import access

    access._warehouse = None  # a fresh reader on this warehouse
    recorder = Recorder()
    recorder.install()
    rows = []
    for name, (fn, inputs, state, module) in sorted(_callbacks().items()):
        page = module.split(".")[-1] if module.startswith("pages") else "shell"
        if only and page != only:
            continue
        if id(fn) in _JOBS or (not exports and _is_download(fn)):
            rows.append({"set": label, "page": page, "callback": name, "view": {}, "skipped": "export"})
            continue
        for view in VIEWS:
            args = _inputs(inputs, view, "/") + _inputs(state, view, "/")
            try:
                _time(fn, *args)  # warm: imports, first connection
            except Exception as exc:  # a callback that cannot run on these inputs is reported, not hidden
                rows.append({"set": label, "page": page, "callback": name, "view": view, "error": repr(exc)})
                continue
            recorder.statements.clear()
            _time(fn, *args)
            statements = list(recorder.statements)
            runs = [_time(fn, *args) for _ in range(REPEAT)]
            bare = [_bare(statements) for _ in range(REPEAT)] if statements else [0.0]
            rows.append(
                {
                    "set": label,
                    "page": page,
                    "callback": name,
                    "view": view,
                    "ms": statistics.median(runs) * 1000,
                    "bare_ms": statistics.median(bare) * 1000,
                    "queries": len(statements),
                    "download": _is_download(fn),
                }
            )
    access.warehouse().close()
    return rows


# Scaled warehouses are kept here between runs (building the province's takes a quarter of an hour
# on a busy machine), named by what built them: the demo, the contract and the scaling. At every
# run the kept file is brought up to the code's contract and its marts are rebuilt, as `scripts/etl
# upgrade` would (a change of the loader that changes stored values: delete data/bench/).
CACHE = Path(__file__).resolve().parent.parent / "data" / "bench"
_BUILT_BY = ("etl/demo/**/*.py", "vocab/**/*.py", "bench/scale.py", "data/regions.csv")


def _sources_key() -> str:
    root = CACHE.parent.parent
    digest = hashlib.sha256()
    for pattern in _BUILT_BY:
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def scaled(base: Path, factor: int, spread: bool) -> Path:
    """The demo scaled `factor`× (bench/scale.py), kept under data/bench/ and reused while the code
    that built it is unchanged; its schema and marts brought up to this code's."""
    import duckdb

    from etl import marts
    from etl.warehouse import ensure_schema

    CACHE.mkdir(parents=True, exist_ok=True)
    kept = CACHE / f"pages_x{factor}{'' if spread else '_copies'}-{_sources_key()}.duckdb"
    if not kept.exists():
        for old in CACHE.glob(f"pages_x{factor}{'' if spread else '_copies'}-*.duckdb"):
            old.unlink()
        partial = kept.with_suffix(".partial")
        scale(base, partial, factor, spread)
        partial.rename(kept)
        return kept
    con = duckdb.connect(str(kept))
    con.execute("SET enable_progress_bar = false")
    ensure_schema(con)
    marts.build(con)
    con.execute("CHECKPOINT")
    con.close()
    return kept


def run(factor: int = 100, only: str | None = None, province: int | None = None, spread: bool = True) -> int:
    """Demo, `factor`× and (with `province`) the province-scale warehouse, in one run. The
    answer cache is off: every repetition computes (a repeated view would be a cache hit)."""
    import settings
    from etl import demo

    settings.put("ANSWER_CACHE_MB", 0)

    factors = ([factor] if factor > 1 else []) + ([province] if province else [])
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        base = work / "demo.duckdb"
        demo.build(base, out_dir=work / "ledgers")
        results = measure(base, "demo", only)
        for n in factors:
            results += measure(scaled(base, n, spread), f"x{n}", only, exports=n != province)
    print(f"{'set':6} {'page':14} {'callback':28} {'view':38} {'median ms':>9} {'bare SQL ms':>11} {'ratio':>6} q")
    failed = False
    for r in results:
        view = ",".join(f"{k}={v}" for k, v in r["view"].items()) or "(all)"
        if "skipped" in r:
            print(f"{r['set']:6} {r['page']:14} {r['callback']:28} {'(not timed: export)':38}")
            continue
        if "error" in r:
            print(f"{r['set']:6} {r['page']:14} {r['callback']:28} {view:38} ERROR {r['error']}")
            failed = True
            continue
        ratio = r["ms"] / r["bare_ms"] if r["bare_ms"] > 0.5 else None
        print(
            f"{r['set']:6} {r['page']:14} {r['callback']:28} {view:38} {r['ms']:9.1f} {r['bare_ms']:11.1f} "
            f"{(f'{ratio:.2f}' if ratio else '—'):>6} {r['queries']}{'  (export)' if r['download'] else ''}"
        )
    ok = not failed
    errors = [r for r in results if "error" in r]
    if errors:  # a callback that fails only at scale (a long list, a nullable column) is the worst finding
        names = sorted({f"{r['set']} {r['page']}.{r['callback']}" for r in errors})
        print(f"\ncallbacks that failed: {len(errors)} run(s) of {len(names)}: {', '.join(names)}  FAIL")
    for n in factors:
        target = TARGET_MS if n == factor else PROVINCE_TARGET_MS
        big = [r for r in results if r["set"] == f"x{n}" and "ms" in r and not r["download"]]
        slowest = max(big, key=lambda r: r["ms"])
        ratio = slowest["ms"] / slowest["bare_ms"] if slowest["bare_ms"] else float("inf")
        passed = slowest["ms"] < target and ratio <= TARGET_RATIO
        ok = ok and passed
        print(
            f"\nslowest callback at x{n}: {slowest['page']}.{slowest['callback']} "
            f"median {slowest['ms']:.1f} ms (target < {target:.0f}), bare SQL {slowest['bare_ms']:.1f} ms, "
            f"ratio {ratio:.2f} (target <= {TARGET_RATIO})  {'PASS' if passed else 'FAIL'}"
        )
    return 0 if ok else 1
