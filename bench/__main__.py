import argparse
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="name", required=True)
    etl = sub.add_parser("etl", help="validated ETL load vs DuckDB's bare read_csv, 1,000,000 case rows")
    etl.add_argument("--rows", type=int, default=1_000_000)
    etl.add_argument("--repeat", type=int, default=3)
    pages = sub.add_parser("pages", help="every page callback vs its bare SQL, on the demo and at 100x")
    pages.add_argument("--factor", type=int, default=100, help="0: skip the 100x set (e.g. with --province)")
    pages.add_argument("--page", help="only this page's callbacks (module name, e.g. overview; 'shell' for app.py)")
    pages.add_argument("--province", type=int, metavar="N", help="also at province scale (e.g. 500: ~9 M cases)")
    pages.add_argument("--copies", action="store_true", help="scale by copies of the demo's units, not spread")
    publish = sub.add_parser("publish", help="a 1,000-row daily ledger published at 1x, 100x and province scale")
    publish.add_argument("--factor", type=int, default=100)
    publish.add_argument("--province", type=int, metavar="N", help="also at province scale (e.g. 500)")
    publish.add_argument("--repeat", type=int, default=3)
    serve = sub.add_parser("serve", help="requests/s and p50/p95 for 1, 4, 16 signed-in clients, threads vs workers")
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--clients", default="1,4,16", help="comma-separated client counts")
    serve.add_argument("--seconds", type=float, default=10)
    serve.add_argument(
        "--warehouse", type=Path, help="a warehouse with its access.sqlite beside it (default: the demo)"
    )
    sub.add_parser("transfer", help="bytes a browser transfers: a cold and warm navigations (Debian's Chromium)")
    journeys = sub.add_parser(
        "journeys", help="issue 18's three journeys in Chromium: clicks, overview and click seconds"
    )
    journeys.add_argument("--walks", type=int, default=5)
    scale = sub.add_parser("scale", help="a province-scale warehouse built from the demo (all 117 county-level units)")
    scale.add_argument("--factor", type=int, default=100)
    scale.add_argument("--out", type=Path, default=Path("data/bench/warehouse.duckdb"))
    scale.add_argument("--copies", action="store_true", help="copies of the demo's units instead of spread")
    args = parser.parse_args()
    if args.name == "etl":
        from bench.etl import run

        return run(rows=args.rows, repeat=args.repeat)
    if args.name == "pages":
        from bench.pages import run as run_pages

        return run_pages(factor=args.factor, only=args.page, province=args.province, spread=not args.copies)
    if args.name == "publish":
        from bench.publish import run as run_publish

        return run_publish(factor=args.factor, province=args.province, repeat=args.repeat)
    if args.name == "serve":
        from bench.serve import run as run_serve

        clients = tuple(int(n) for n in args.clients.split(","))
        return run_serve(args.workers, clients, args.seconds, args.warehouse)
    if args.name == "transfer":
        from bench.transfer import run as run_transfer

        return run_transfer()
    if args.name == "journeys":
        from bench.journeys import run as run_journeys

        return run_journeys(walks=args.walks)
    if args.name == "scale":
        from bench.scale import run as run_scale

        args.out.parent.mkdir(parents=True, exist_ok=True)
        return run_scale(args.factor, args.out, spread=not args.copies)
    return 2


sys.exit(main())
