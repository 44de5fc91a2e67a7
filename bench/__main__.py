import argparse
import sys


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="name", required=True)
    etl = sub.add_parser("etl", help="validated ETL load vs DuckDB's bare read_csv, 1,000,000 case rows")
    etl.add_argument("--rows", type=int, default=1_000_000)
    etl.add_argument("--repeat", type=int, default=3)
    pages = sub.add_parser("pages", help="every page callback vs its bare SQL, on the demo and at 100x")
    pages.add_argument("--factor", type=int, default=100)
    pages.add_argument("--page", help="only this page's callbacks (module name, e.g. overview; 'shell' for app.py)")
    args = parser.parse_args()
    if args.name == "etl":
        from bench.etl import run

        return run(rows=args.rows, repeat=args.repeat)
    if args.name == "pages":
        from bench.pages import run as run_pages

        return run_pages(factor=args.factor, only=args.page)
    return 2


sys.exit(main())
