"""gunicorn's configuration for a real deployment: `scripts/serve.sh` runs
`gunicorn -c python:security.gunicorn_conf app:server`.

Several worker processes, because the GIL serialises the Python half of every callback in one
process (`python -m bench serve`: two workers nearly doubled the requests per second of one
process's threads). What the threaded server of `python app.py` (waitress, the demo's) does
for safety is kept:

- the app is imported by each worker after the fork (no preload): DuckDB is not fork-safe, so
  every worker opens its own read-only reader of the published file, and its own engine of
  the access store;
- the master refuses to start while the demo's public credentials would open the deployment
  (it reads the access store only; it never imports the app);
- no `Server` header (gunicorn writes one of its own; it is dropped below);
- request bodies over MAX_REQUEST_BYTES: refused on their Content-Length by the app before it
  reads them, and a chunked body stops at the limit (Flask's MAX_CONTENT_LENGTH); gunicorn
  itself never buffers a body;
- no proxy's headers trusted (waitress's clear_untrusted_proxy_headers): the address that the
  login throttle counts is the peer's;
- files written by the workers (the access store, its -wal/-shm, the jobs' folder) are the
  owner's only;
- background jobs (the upload's load, large exports; security/jobs.py) are processes forked
  from a worker; their progress and results are in JOBS_DIR, which every worker reads, so
  that a job started through one worker is polled and finished through another.
"""

from __future__ import annotations

import os
import sys

from gunicorn.http import wsgi

import settings

bind = [f"{settings.get('HOST')}:{settings.get('PORT')}"]
workers = settings.get("WORKERS") or os.cpu_count() or 1
worker_class = "gthread"
threads = settings.get("THREADS")
preload_app = False
umask = 0o077
timeout = 120  # a worker silent this long is restarted (uploads and large exports run as background jobs)
graceful_timeout = 30
forwarded_allow_ips = ""
proxy_allow_ips = ""
accesslog = None
errorlog = "-"

_default_headers = wsgi.Response.default_headers


def _without_server(self) -> list[str]:
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


wsgi.Response.default_headers = _without_server


def on_starting(server) -> None:
    from security.session import print_cookie_note
    from security.store import open_to_the_public

    os.umask(0o077)  # inherited by the workers forked after this
    refusal = open_to_the_public(settings.get("WAREHOUSE") or None)
    if refusal:
        sys.exit(refusal)
    host = settings.get("HOST")
    print_cookie_note(host)
    print(f"Serving on http://{host}:{settings.get('PORT')} with {workers} worker processes", flush=True)
