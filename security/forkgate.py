"""The gate a background job's fork passes: no thread of the server is inside SQLite when it forks.

A job is a process forked from the threaded server (security/jobs.py). SQLite keeps the locks
of a process's connections in bookkeeping of its own, per file; a fork copies it. Had another
thread been inside a read or write of the jobs' cache or of the access store at that instant,
the child would inherit a lock that no connection of its holds and none will release: its
first write then waits out the busy timeout (diskcache.core.Timeout after 60 s; seen with four
exports started at once). So every use of those two SQLite files takes the gate's shared side
(`using`), and the fork its exclusive side (`forking`), which waits for the uses in flight and
holds new ones back for the moment of the fork.

The same holds for Python's imports: a module half imported by another thread at the fork is
half imported in the child for ever, and the child's own import of it waits on a lock no one
will release (seen: a job hung in `import diskcache`). So the fork also waits until no other
thread is inside an import, and holds new imports back (the interpreter's import lock) while
it forks.
"""

from __future__ import annotations

import _imp
import importlib._bootstrap as _bootstrap
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

IMPORTS_WAIT = 10.0  # s a fork waits for another thread's import to end (then forks regardless)


class ForkGate:
    """A readers-writer lock: many users at once, or one fork; a waiting fork goes first. A thread
    already using may use again (nested uses never wait on a fork that waits for them)."""

    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._users = 0
        self._forking = False
        self._mine = threading.local()

    def _held(self) -> int:
        return getattr(self._mine, "n", 0)

    def enter(self) -> None:
        with self._cond:
            if not self._held():
                while self._forking:
                    self._cond.wait()
            self._users += 1
        self._mine.n = self._held() + 1

    def leave(self) -> None:
        self._mine.n = self._held() - 1
        with self._cond:
            self._users -= 1
            if self._users == self._held():
                self._cond.notify_all()

    @contextmanager
    def using(self) -> Iterator[None]:
        self.enter()
        try:
            yield
        finally:
            self.leave()

    @contextmanager
    def forking(self) -> Iterator[None]:
        """Held while a process is forked: every other thread's use has ended and none starts.
        (The forking thread's own uses, if any, are its own business: it is not waited for.)"""
        with self._cond:
            while self._forking:
                self._cond.wait()
            self._forking = True
            while self._users > self._held():
                self._cond.wait()
        try:
            with _no_import_under_way():
                yield
        finally:
            with self._cond:
                self._forking = False
                self._cond.notify_all()


def _importing_threads() -> set[int]:
    """The threads other than this one that hold a module's import lock (are importing it)."""
    me = threading.get_ident()
    owners = set()
    for ref in list(_bootstrap._module_locks.values()):
        lock = ref()
        owner = getattr(lock, "owner", None)
        if owner and owner != me:
            owners.add(owner)
    return owners


@contextmanager
def _no_import_under_way() -> Iterator[None]:
    """Held with the interpreter's import lock (no import can start) once no other thread is
    inside an import; waits up to IMPORTS_WAIT for one to end."""
    global _holding_imports
    deadline = time.monotonic() + IMPORTS_WAIT
    while True:
        _imp.acquire_lock()
        if not _importing_threads() or time.monotonic() > deadline:
            break
        _imp.release_lock()
        time.sleep(0.005)
    _holding_imports = True
    try:
        yield
    finally:
        _holding_imports = False
        _imp.release_lock()


_holding_imports = False  # this thread holds the import lock for a fork (copied into the child)


def _child_lets_imports_go() -> None:
    """In the child of a fork made under the gate: the import lock the parent held for the fork
    is the child's, and the child runs its job without returning from the fork's block: let go
    of it, so that threads the job starts may import."""
    global _holding_imports
    if _holding_imports:
        _holding_imports = False
        _imp.release_lock()


os.register_at_fork(after_in_child=_child_lets_imports_go)


GATE = ForkGate()
