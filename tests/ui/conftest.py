"""Browser tests: the real app in a subprocess on the demo warehouse, driven by Debian's
Chromium through Playwright (never a downloaded browser). Every page needs a login: `page`
is logged in as the demo's leader through the real login form, `page_as(role)` as another
role (leader, supervisor, county — county_140702, 榆次区 —, admin)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.browser import CHROMIUM_ARGS, scroll_to, settle

# Waits for content, not sleeps: generous, because CI machines are shared and a first
# render on a cold server can take several seconds.
expect.set_options(timeout=30_000)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_warehouse(copy_demo, tmp_path) -> Path:
    """A copy of the demo warehouse (with its access store) that a test may republish or serve alone."""
    return copy_demo(tmp_path / "own")


class Server:
    def __init__(self, warehouse: Path, port: int | None = None, env: dict[str, str] | None = None):
        self.warehouse = warehouse
        self.port = port or free_port()
        self.env = env or {}  # settings of this server beyond the demo's (a real deployment: DEMO="")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60, untouched: bool = False) -> Server:
        """Start the app and wait until it serves: until /healthz answers, or with `untouched`
        until its port accepts connections, so that the test's own next request is the first
        HTTP request the fresh process serves."""
        # DEMO=1: these are copies of the demo (its public users); a real deployment refuses them
        env = {
            **os.environ,
            "WAREHOUSE": str(self.warehouse),
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "DEMO": "1",
            "PYTHONPATH": str(ROOT),
            **self.env,
        }
        self.log = open(self.warehouse.parent / f"server-{self.port}.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited with {self.proc.returncode}; see {self.log.name}")
            try:
                if untouched:
                    socket.create_connection(("127.0.0.1", self.port), timeout=2).close()  # no request sent
                else:
                    urllib.request.urlopen(self.url + "/healthz", timeout=2)  # needs no session
                return self
            except OSError:
                time.sleep(0.1)  # it starts in about 1.5 s: checked often, so the test goes on once it is up
        raise RuntimeError("app did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def server(demo_warehouse: Path):
    srv = Server(demo_warehouse).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. Not for the session: Playwright's sync API keeps an asyncio
    loop running in this thread while it is started, and the tests run after a browser module in
    the same process (the briefing's charts through kaleido, the map's own Playwright) need none."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A Playwright page that records console errors and requests leaving the machine."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.console_errors: list[str] = []
        self.external: list[str] = []
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.on("request", self._request)

    def _request(self, request) -> None:
        host = request.url.split("/")[2] if "://" in request.url else ""
        if request.url.startswith(("http://", "https://")) and not host.startswith(("127.0.0.1", "localhost")):
            self.external.append(request.url)

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path)
        self.settle()
        return self

    def settle(self, timeout: float = 60_000) -> None:
        """Wait until Dash has drawn the page and is idle (bench/browser.py `settle`)."""
        settle(self.page, timeout)

    def scroll_to(self, selector: str, timeout: float = 60_000) -> Page:
        """Scroll a panel into view and wait until it is drawn (bench/browser.py `scroll_to`)."""
        scroll_to(self.page, selector, timeout)
        return self

    def text(self, selector: str) -> str:
        return self.page.locator(selector).inner_text()


# The demo's users (security/store.py DEMO_USERS), password `demo-<name>`.
ROLE_USERS = {"leader": "leader", "supervisor": "supervisor", "county": "county_140702", "admin": "admin"}
CONTEXT = {"viewport": {"width": 1440, "height": 1000}, "locale": "zh-CN"}


def login(page, base: str, user: str, password: str | None = None) -> None:
    """Sign in through the real login form (a Playwright page)."""
    page.goto(base + "/login")
    page.fill("#login-username", user)
    page.fill("#login-password", password if password is not None else f"demo-{user}")
    with page.expect_navigation():
        page.click("#login-submit")


@pytest.fixture(scope="session")
def _login_states() -> dict[str, dict]:
    """The sessions signed in so far, by role: plain cookies, good in the next module's browser."""
    return {}


@pytest.fixture
def login_state(browser, server, _login_states):
    """The browser state (session cookie) after one real login per role, reused by each
    test's fresh context so that every test does not pay for a login."""
    states = _login_states

    def state(role: str) -> dict:
        if role not in states:
            context = browser.new_context(**CONTEXT)
            p = context.new_page()
            login(p, server.url, ROLE_USERS[role])
            assert "/login" not in p.url, f"login as {role} failed"
            states[role] = context.storage_state()
            context.close()
        return states[role]

    return state


@pytest.fixture
def page_as(browser, server, login_state):
    """page_as("county") -> a Page logged in as that role (checked for console errors and
    requests leaving the machine at the end of the test)."""
    made: list[tuple] = []

    def make(role: str = "leader") -> Page:
        context = browser.new_context(**CONTEXT, storage_state=login_state(role))
        p = Page(context.new_page(), server.url)
        made.append((context, p))
        return p

    yield make
    for context, p in made:
        context.close()
        assert not p.external, f"requests left the machine: {p.external[:5]}"
        assert not p.console_errors, f"console errors: {p.console_errors[:5]}"


@pytest.fixture
def page(page_as):
    return page_as("leader")
