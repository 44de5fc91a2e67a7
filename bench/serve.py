"""`python -m bench serve`: requests/s and latency for signed-in clients, threads vs processes.

Builds the demo (or takes `--warehouse`, e.g. one from `bench scale`, with its access store),
starts the app the way it is deployed — `python app.py` (waitress, one process, threads) and
gunicorn with 1 and N worker processes — and, for 1, 4 and 16 concurrent clients, each
signed in through the real login form as the demo's leader, sends the overview's page
callbacks (what a browser sends when the page opens, for three views) for a fixed time.
Reports requests/s, p50 and p95 per server and client count, and the servers' resident
memory (every process of the server), in one run.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import settings

ROOT = Path(__file__).resolve().parent.parent
VIEWS = [
    {"region": "140700", "from": "2024-01-01", "to": "2025-05-31"},
    {"region": "140702", "from": "2024-01-01", "to": "2024-12-31"},
    {},
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One signed-in browser: a session cookie and a keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""
        self.con = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {**(headers or {}), **({"Cookie": self.cookie} if self.cookie else {})}
        try:
            self.con.request(method, path, body=body, headers=headers)
            response = self.con.getresponse()
        except (http.client.HTTPException, OSError):  # the server closed the kept-alive connection
            self.con.close()
            self.con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.con.request(method, path, body=body, headers=headers)
            response = self.con.getresponse()
        data = response.read()
        for raw in response.headers.get_all("Set-Cookie") or []:
            self.cookie = raw.split(";", 1)[0]
        return response.status, data

    def login(self, user: str = "leader") -> None:
        status, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        form = urlencode({"csrf_token": token, "username": user, "password": f"demo-{user}", "next": "/"})
        status, _ = self.request("POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 303:
            raise RuntimeError(f"login as {user} answered {status}")


def _outputs(output: str):
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
    return outs if output.startswith("..") else outs[0]


def _bodies(client: Client, page: str = "overview") -> list[bytes]:
    """The callbacks a browser sends when `page` opens, once per view."""
    status, data = client.request("GET", "/_dash-dependencies")
    assert status == 200, status
    specs = [
        s
        for s in json.loads(data)
        if s["output"].lstrip(".").startswith(f"{page}-")
        and any(i["id"] == f"{page}-query" for i in s["inputs"])
        and "download" not in s["output"]
        and not s.get("clientside_function")
    ]
    bodies = []
    for view in VIEWS:
        for spec in specs:

            def item(d, view=view):
                return {"id": d["id"], "property": d["property"], "value": view if d["id"] == f"{page}-query" else None}

            body = {
                "output": spec["output"],
                "outputs": _outputs(spec["output"]),
                "inputs": [item(d) for d in spec["inputs"]],
                "state": [item(d) for d in spec["state"]],
                "changedPropIds": [f"{page}-query.data"],
            }
            bodies.append(json.dumps(body).encode())
    return bodies


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (gunicorn's workers), from /proc."""
    pids = [pid]
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        pids += [int(p) for p in out]
    except FileNotFoundError:
        pass
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class Server:
    def __init__(self, name: str, command: list[str], warehouse: Path):
        self.name, self.command, self.warehouse = name, command, warehouse
        self.port = _free_port()

    def __enter__(self) -> Server:
        env = settings.child_environment(
            {"WAREHOUSE": self.warehouse, "PORT": self.port, "HOST": "127.0.0.1", "DEMO": "1", "PYTHONPATH": ROOT}
        )
        command = [c.replace("{port}", str(self.port)) for c in self.command]
        self.log = open(self.warehouse.parent / f"{self.name.replace(' ', '_')}.log", "ab")
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log.name}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _drive(server: Server, clients: int, seconds: float) -> dict:
    sessions = [Client(server.port) for _ in range(clients)]
    for c in sessions:
        c.login()
    bodies = _bodies(sessions[0])
    for c in sessions:  # warm every worker's first answers (and the version's caches)
        for body in bodies:
            c.request("POST", "/_dash-update-component", body, {"Content-Type": "application/json"})
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def work(client: Client, offset: int) -> None:
        mine, bad, n = [], 0, offset
        while time.monotonic() < stop:
            body = bodies[n % len(bodies)]
            n += 1
            start = time.perf_counter()
            status, _ = client.request("POST", "/_dash-update-component", body, {"Content-Type": "application/json"})
            mine.append(time.perf_counter() - start)
            bad += status not in (200, 204)
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=work, args=(c, i * 3)) for i, c in enumerate(sessions)]
    begin = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - begin
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / took,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "failures": failures[0],
        "rss": _rss_mb(server.proc.pid),
    }


def run(
    workers: int = 2, clients: tuple[int, ...] = (1, 4, 16), seconds: float = 10, warehouse: Path | None = None
) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if warehouse is None:
            from etl import demo

            demo.build(folder / "warehouse.duckdb", out_dir=folder / "ledgers")  # with the demo's users
        else:
            shutil.copy(warehouse, folder / "warehouse.duckdb")
            shutil.copy(warehouse.parent / "access.sqlite", folder / "access.sqlite")
        target = folder / "warehouse.duckdb"
        gunicorn = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:{port}", "--worker-class", "gthread"]
        servers = [
            ("threads (python app.py)", [sys.executable, "app.py"]),
            ("gunicorn 1 worker", [*gunicorn, "--workers", "1", "--threads", "4", "app:server"]),
            (f"gunicorn {workers} workers", [*gunicorn, "--workers", str(workers), "--threads", "4", "app:server"]),
        ]
        print(f"{'server':26} {'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'RSS MB':>7}")
        ok = True
        for name, command in servers:
            with Server(name, command, target) as server:
                for n in clients:
                    r = _drive(server, n, seconds)
                    ok = ok and r["failures"] == 0
                    print(
                        f"{name:26} {n:7} {r['requests']:8} {r['rps']:7.1f} {r['p50']:7.1f} {r['p95']:7.1f} "
                        f"{r['rss']:7.0f}{'  FAILED ' + str(r['failures']) if r['failures'] else ''}",
                        flush=True,
                    )
        return 0 if ok else 1
