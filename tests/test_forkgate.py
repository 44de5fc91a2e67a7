"""The fork gate (security/forkgate.py): a background job is forked only while no other thread
of the server is inside SQLite, and uses of SQLite never wait on each other."""

from __future__ import annotations

import threading

from security.forkgate import ForkGate

WAIT = 10  # s: a bound for what must happen, never a measure of speed


def test_a_fork_waits_for_the_uses_in_flight_and_holds_new_ones_back():
    gate = ForkGate()
    steps: list[str] = []
    inside, release, in_fork, end_fork = (threading.Event() for _ in range(4))

    def user():
        with gate.using():
            inside.set()
            release.wait(WAIT)
            steps.append("use ends")

    def forker():
        with gate.forking():
            steps.append("fork")
            in_fork.set()
            end_fork.wait(WAIT)
            steps.append("fork ends")

    def late_user():
        with gate.using():
            steps.append("late use")

    first, fork, late = (threading.Thread(target=f) for f in (user, forker, late_user))
    first.start()
    assert inside.wait(WAIT)
    fork.start()
    assert not in_fork.wait(0.3)  # the fork waits for the use in flight
    release.set()
    assert in_fork.wait(WAIT)
    late.start()  # a use that starts while the fork is under way waits for it
    late.join(0.3)
    assert late.is_alive() and steps == ["use ends", "fork"]
    end_fork.set()
    for t in (first, fork, late):
        t.join(WAIT)
    assert steps == ["use ends", "fork", "fork ends", "late use"]


def test_uses_do_not_wait_on_each_other_and_a_thread_may_use_again_while_a_fork_waits():
    gate = ForkGate()
    outer, go_on, done = threading.Event(), threading.Event(), threading.Event()

    def nested():
        with gate.using():
            outer.set()
            go_on.wait(WAIT)
            with gate.using():  # a fork is waiting for this thread: it must not wait for the fork
                done.set()

    t = threading.Thread(target=nested)
    t.start()
    assert outer.wait(WAIT)
    with gate.using():  # another thread's use at the same time
        pass
    forker = threading.Thread(target=lambda: gate.forking().__enter__() and None)
    forker.start()
    forker.join(0.2)
    go_on.set()
    assert done.wait(WAIT)
    t.join(WAIT)
    forker.join(WAIT)
    assert not t.is_alive() and not forker.is_alive()


def test_a_fork_waits_for_another_threads_import_and_its_child_may_import(tmp_path, monkeypatch):
    """A module half imported by another thread at the fork would be half imported in the child
    for ever: the fork waits for the import to end. The child, forked under the gate, lets its
    threads import."""
    import os
    import sys

    (tmp_path / "slow_to_import.py").write_text(
        "import threading\nSTARTED = threading.Event()\nGO_ON = threading.Event()\n"
        "import builtins\nbuiltins._slow_import = (STARTED, GO_ON)\nSTARTED.set()\nGO_ON.wait(10)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importer = threading.Thread(target=lambda: __import__("slow_to_import"))
    importer.start()
    import builtins

    for _ in range(1000):
        if hasattr(builtins, "_slow_import"):
            break
        threading.Event().wait(0.01)
    started, go_on = builtins._slow_import
    assert started.wait(WAIT)
    gate = ForkGate()
    in_fork = threading.Event()
    child_status: list[int] = []

    def fork():
        with gate.forking():
            in_fork.set()
            pid = os.fork()
            if pid == 0:  # the child: a thread of its own imports
                done = []
                t = threading.Thread(target=lambda: (__import__("json.tool"), done.append(1)))
                t.start()
                t.join(5)
                os._exit(0 if done else 3)
        child_status.append(os.waitpid(pid, 0)[1])

    forker = threading.Thread(target=fork)
    forker.start()
    assert not in_fork.wait(0.3)  # the import is under way: no fork
    go_on.set()
    importer.join(WAIT)
    forker.join(WAIT)
    assert in_fork.is_set() and child_status == [0]
    del builtins._slow_import
    sys.modules.pop("slow_to_import", None)


def _child_of_a_fork_while_held(lock_holder, work) -> int | None:
    """Fork while another thread is inside `lock_holder` (a context manager), then run `work` in
    the child; the child's exit code, or None when it hung (killed after WAIT seconds)."""
    import os
    import signal
    import time

    held, release = threading.Event(), threading.Event()

    def hold():
        with lock_holder:
            held.set()
            release.wait(WAIT)

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(WAIT)
    pid = os.fork()
    if pid == 0:  # the child: only this thread came along
        try:
            work()
            os._exit(0)
        except BaseException:
            os._exit(1)
    release.set()
    thread.join()
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def test_a_job_forked_while_another_thread_looks_up_a_stores_engine_gets_its_own(tmp_path):
    """Every request looks up the access store's engine under a lock (security/store_schema.py);
    a job forked while another thread held it (a few microseconds, but the holder may lose the
    GIL right there) inherited it held by nobody and hung at its first use of the store: the
    export job that never finished. The child starts with the lock free."""
    from security import store_schema
    from workflow import schema

    store = tmp_path / "access.sqlite"
    assert _child_of_a_fork_while_held(store_schema._engines_lock, lambda: store_schema._engine(store)) == 0
    # the loop's tables' lock, taken once per engine and process, likewise
    assert _child_of_a_fork_while_held(schema._lock, lambda: _taken(schema._lock)) == 0


def _taken(lock) -> None:
    if not lock.acquire(timeout=WAIT / 2):
        raise TimeoutError("the lock came along held")
