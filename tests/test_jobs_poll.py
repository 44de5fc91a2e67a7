"""A poll of a background job (security/jobs.py JobManager): whether the job still runs is read
before its result, so that a job which writes its result and ends between the two is not taken
for a cancelled one (Dash then answers nothing and the file never comes)."""

from __future__ import annotations

import subprocess
import sys

from security import jobs


def test_a_job_that_ends_after_its_result_was_looked_for_still_counts_as_running(tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "jobs_dir", lambda: tmp_path / "jobs")
    manager = jobs.JobManager()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        job = jobs._job_id(child.pid)
        assert manager.get_result("key", job) is manager.UNDEFINED  # no result yet, the job runs
    finally:
        child.kill()
        child.wait()  # it ends before Dash asks whether it runs
    assert manager.job_running(job)  # as it was when the result was looked for: poll again
    assert not manager.job_running(job)  # asked afresh: it has ended
