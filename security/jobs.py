"""Background jobs: the upload page's load and the panels' Excel exports run as Dash background
callbacks (`dash.DiskcacheManager`), each in a process forked for it, while the server goes on
answering the page's other callbacks; the browser polls for the job's progress and result.

- **Shared between workers.** The manager's disk cache (progress, results) is the folder
  JOBS_DIR (default `<warehouse>.jobs` beside the warehouse and the access store; created
  0700): every gunicorn worker of the machine opens it, so a job started through one worker
  is polled and finished through another. A job is one process on this machine: its id is
  its pid *and* its start time, so that a poll can never stop another process that happens
  to hold the pid later (or on another machine behind the same address).
- **Who the job works for.** The server works out the viewer of the request that starts a
  job, from its session as for every request (`session.current_viewer`, after the access
  guard let the call through), and hands it to the job in Dash's callback context
  (`dash.hooks.custom_data`, copied into the job's context by Dash when it starts the job):
  nothing the browser sends in the job's arguments says who the viewer is. The job runs
  `working_for(owner)`: `current_viewer()`, `current_scope()` and the audit log's who, role,
  scope and address are the owner's, whatever request context the forked process inherited.
- **Its own reader.** A forked process never reads through its parent's DuckDB instance:
  the job's reads go through a reader of its own, in one published version, closed when
  the job is done (`metrics.access.own_reader`).
- **The guard.** A poll is the same `/_dash-update-component` call as the one that started
  the job (the same callback and body, its values emptied, plus `cacheKey` and `job`, which
  Dash signs with the server's secret key and binds to the page load), so the access guard
  checks every poll as it checked the start: only a viewer who may open the page gets an
  answer. Each job's cache key is random: two viewers sending the same arguments never
  share a result.
- **Audited as before.** A file a job hands to a dcc.Download is recorded (`export`) by the
  job, with the page's filter of the call that started it (a poll's body carries no values),
  in the same words as a file handed over by an ordinary callback (security/responses.py).
"""

from __future__ import annotations

import functools
import gc
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dash
import diskcache
from dash import DiskcacheManager
from dash.background_callback.managers import BaseBackgroundCallbackManager
from dash.exceptions import MissingCallbackContextException

import settings
from metrics import access, db
from security.forkgate import GATE
from security.responses import audit_files
from security.session import JobOwner, current_remote, current_viewer, working_for

OWNER = "job_owner"  # the callback context's custom_data key
POLL_MS = 150  # how often the browser asks for a job's progress


def jobs_dir() -> Path:
    """The folder of the jobs' progress and results: JOBS_DIR, else `<warehouse>.jobs` beside
    the warehouse this process serves."""
    if settings.get("JOBS_DIR"):
        return Path(settings.get("JOBS_DIR")).resolve()
    path = access.warehouse().path
    return path.with_name(path.name + ".jobs")


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner may enter (0700), created if missing."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


class _Cache:
    """The manager's diskcache.Cache over `jobs_dir()`, opened at first use (the pages register
    their callbacks at import, before a test or a worker has said which warehouse it serves).
    diskcache reopens its SQLite connection in a forked process by itself."""

    def __init__(self):
        self._cache = None
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()

    def open(self):
        with self._lock:
            if self._cache is None:
                self._cache = diskcache.Cache(str(private_dir(jobs_dir())))
            return self._cache

    def __getattr__(self, name: str):
        """The cache's method, run while the fork gate is open (security/forkgate.py)."""
        method = getattr(self.open(), name)
        if not callable(method):
            return method

        @functools.wraps(method)
        def gated(*args, **kwargs):
            with GATE.using():
                return method(*args, **kwargs)

        return gated

    @contextmanager
    def transact(self, *args, **kwargs) -> Iterator:
        with GATE.using(), self.open().transact(*args, **kwargs) as value:
            yield value


class JobManager(DiskcacheManager):
    """Dash's DiskcacheManager with a cache opened at first use, a random cache key per job,
    jobs known by pid and start time, each job's process reaped by its parent as soon as it
    ends (so that a worker polling another worker's job sees it gone at once), and progress
    taken in one step."""

    def __init__(self):
        import multiprocess  # noqa: F401  (what DiskcacheManager needs, checked as it does)
        import psutil  # noqa: F401

        self.handle = _Cache()
        self.expire = None
        self._ran = threading.local()  # (job, whether it ran) read by this thread's `get_result`
        BaseBackgroundCallbackManager.__init__(self, None)

    def build_cache_key(self, fn, args, cache_args_to_ignore, triggered) -> str:
        return secrets.token_hex(32)  # never Dash's hash of the arguments: no result is shared

    def call_job_fn(self, key, job_fn, args, context) -> str:
        from multiprocess import get_context

        # fork, whatever the platform's default: the job inherits the request's context and the
        # modules as loaded (the at-fork handlers of metrics/ give it its own readers)
        process = get_context("fork").Process(
            target=_forked, args=(job_fn, key, self._make_progress_key(key), args, context)
        )
        self.handle.open()  # opened here, not half opened by another thread at the fork
        with GATE.forking():  # no other thread inside SQLite or an import at the fork (security/forkgate.py)
            process.start()
        job = _job_id(process.pid)  # before it can be reaped
        threading.Thread(target=process.join, name=f"job-{process.pid}", daemon=True).start()
        return job

    def get_result(self, key, job):
        """The job's result, if written. Dash asks next whether the job still runs and takes "not
        running, no result" for a cancelled job (no answer: the file never comes). A job that
        writes its result and ends between the two questions was lost so (seen with exports
        started at once on a loaded machine): so whether it ran is read before the result, and
        that is the answer Dash gets (`job_running`)."""
        ran = self._alive(job)
        self._ran.ran = (job, ran)
        return super().get_result(key, job)

    def get_progress(self, key):
        # One step, not Dash's read then delete: a stage the job says between the two was lost,
        # and the bar kept the stage before it until the next one.
        return self.handle.pop(self._make_progress_key(key), default=None)

    def terminate_job(self, job) -> None:
        import psutil

        process = _process(job)
        if process is None:
            return
        with self.handle.transact():  # (as Dash's: one worker at a time stops a job)
            try:
                family = [*process.children(recursive=True), process]
            except psutil.NoSuchProcess:  # it has just ended
                return
            for proc in family:
                try:
                    proc.kill()
                except psutil.NoSuchProcess:
                    pass
        psutil.wait_procs([process], timeout=1)

    def terminate_unhealthy_job(self, job) -> bool:
        process = _process(job)
        if process is not None and not self._alive(job):
            self.terminate_job(job)
            return True
        return False

    def job_running(self, job) -> bool:
        asked = getattr(self._ran, "ran", None)
        self._ran.ran = None
        if asked is not None and asked[0] == job:
            return asked[1]  # as it was before the result was read (`get_result`)
        return self._alive(job)

    def _alive(self, job) -> bool:
        import psutil

        process = _process(job)
        try:
            return process is not None and process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False


def _forked(job_fn, *args) -> None:
    """The job's process: its garbage collector leaves the parent's objects alone (gc.freeze),
    since walking them all would copy the parent's memory into the job page by page."""
    gc.freeze()
    job_fn(*args)


def _job_id(pid: int) -> str:
    """`<pid>at<start time in 1/100 s>`; a job already gone (and reaped) gets no start time, so
    that nothing is ever stopped in its name (its result, if any, is found by its cache key)."""
    import psutil

    try:
        return f"{pid}at{psutil.Process(pid).create_time() * 100:.0f}"
    except psutil.NoSuchProcess:
        return f"{pid}at0"


def _process(job):
    """The job's process while it lives: its pid, started when the job was (else None)."""
    import psutil

    pid, _, born = str(job or "").partition("at")
    try:
        process = psutil.Process(int(pid))
        return process if f"{process.create_time() * 100:.0f}" == born else None
    except (ValueError, psutil.NoSuchProcess, psutil.AccessDenied):
        return None


MANAGER = JobManager()


@dash.hooks.custom_data(OWNER)
def _owner_of_request(_context) -> JobOwner:
    """Worked out by the server for every callback request (after the guard), so that a job
    the request starts knows whom it works for."""
    return JobOwner(current_viewer(), current_remote())


def options() -> dict:
    """The `dash.callback` arguments that make a callback a background job of this manager."""
    return {"background": True, "manager": MANAGER, "interval": POLL_MS}


def owner() -> JobOwner:
    """Whom the job of the current callback context works for (nobody when the context has no
    owner: a job started by no request of ours)."""
    try:
        found = (dash.callback_context.custom_data or {}).get(OWNER)
    except MissingCallbackContextException:
        found = None
    return found if isinstance(found, JobOwner) else JobOwner(None)


@contextmanager
def working() -> Iterator[JobOwner]:
    """The work of a background job, in its process: as its owner, through a reader of the
    warehouse of its own, in one published version; the reader is closed at the end."""
    who = owner()
    scope = db.ReadScope()
    with working_for(who), access.own_reader(), db.one_version(scope):
        try:
            yield who
        finally:
            scope.release()


def run(fn: Callable) -> Callable:
    """`fn` (a background callback's function) run as a job's work (`working`); the files it
    hands to a dcc.Download are audited."""

    @functools.wraps(fn)
    def work(*args, **kwargs):
        with working():
            answer = fn(*args, **kwargs)
            context = dash.callback_context
            audit_files(context.outputs_list, answer, {"inputs": context.inputs_list, "state": context.states_list})
            return answer

    return work


class Background:
    """What a page hands its panels (components.panel.Panels) so that their exports run as jobs."""

    options = staticmethod(options)
    run = staticmethod(run)


BACKGROUND = Background()
