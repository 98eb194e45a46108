"""Daily jobs: run by the worker's scheduler at their time, once a day, by one process only."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal import jobs
from portal.extensions import db as _db
from portal.models import JobLease

PARIS = ZoneInfo("Europe/Paris")


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def ran(monkeypatch):
    """Replace the real jobs with two that count their runs."""
    counts = {"early": 0, "evening": 0}

    def job(name):
        def run():
            counts[name] += 1
            return "ok"

        return run

    monkeypatch.setattr(
        jobs,
        "JOBS",
        {
            "early": jobs.DailyJob("early", datetime.min.time().replace(hour=3, minute=30), job("early")),
            "evening": jobs.DailyJob("evening", datetime.min.time().replace(hour=18), job("evening")),
        },
    )
    return counts


def test_each_job_runs_once_a_day_after_its_time(app, ran):
    assert jobs.run_due_jobs(paris(1, 2)) == []
    assert jobs.run_due_jobs(paris(1, 4)) == ["early"]
    assert jobs.run_due_jobs(paris(1, 12)) == []
    assert jobs.run_due_jobs(paris(1, 19)) == ["evening"]
    assert jobs.run_due_jobs(paris(1, 23)) == []
    assert ran == {"early": 1, "evening": 1}
    # A worker that was stopped catches up when it starts again.
    assert jobs.run_due_jobs(paris(3, 20)) == ["early", "evening"]
    assert ran == {"early": 2, "evening": 2}


def test_many_schedulers_at_once_run_a_job_once(app, ran):
    barrier = threading.Barrier(6)
    outcomes = []

    def scheduler():
        with app.app_context():
            barrier.wait()
            outcomes.append(jobs.run_due_jobs(paris(1, 19)))

    threads = [threading.Thread(target=scheduler) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert ran == {"early": 1, "evening": 1}
    assert sorted(name for outcome in outcomes for name in outcome) == ["early", "evening"]


def test_a_failed_job_is_tried_again_ten_minutes_later(app, monkeypatch):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database busy")
        return "ok"

    monkeypatch.setattr(jobs, "JOBS", {"flaky": jobs.DailyJob("flaky", datetime.min.time(), flaky)})
    monkeypatch.setattr(jobs, "utcnow", lambda: paris(1, 9).astimezone(ZoneInfo("UTC")))
    assert jobs.run_due_jobs(paris(1, 9)) == []
    assert jobs.run_due_jobs(paris(1, 9, 5)) == []  # still waiting
    assert jobs.run_due_jobs(paris(1, 9, 11)) == ["flaky"]
    assert len(calls) == 2
    lease = _db.session.get(JobLease, "flaky")
    assert lease.last_run_on == "2026-12-01"


def test_a_dead_holder_frees_its_lease(app, ran):
    # A process took the lease and died: after LEASE (30 min) another may run the job.
    assert jobs.take_lease("evening", "2026-12-01", paris(1, 18))
    assert not jobs.take_lease("evening", "2026-12-01", paris(1, 18, 20))
    assert jobs.take_lease("evening", "2026-12-01", paris(1, 18, 31))


def test_the_real_jobs_run_from_the_worker_command(app, runner, cafe_a):
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "0 message(s) sent" in result.output
    ran = set(_db.session.scalars(_db.select(JobLease.name).where(JobLease.last_run_on != "")))
    assert ran <= {"send-reminders", "purge-personal-data"}
    assert {"send-reminders", "purge-personal-data"} == set(jobs.JOBS)


def test_each_daily_job_does_what_its_command_does(app, runner, cafe_a, caplog):
    """The scheduler runs the very code of `send-reminders` and `purge-personal-data`: a job
    that fails (an import gone stale) would only show in the log, so run each one here."""
    outputs = {name: job.run() for name, job in jobs.JOBS.items()}
    assert "reminder(s) sent." in outputs["send-reminders"]
    assert "parcel reminder(s) sent." in outputs["send-reminders"]
    assert "booking(s) and" in outputs["purge-personal-data"]
    assert "bread order(s)" in outputs["purge-personal-data"]
    for command, name in (
        ("send-reminders", "send-reminders"),
        ("purge-personal-data", "purge-personal-data"),
    ):
        result = runner.invoke(args=[command])
        assert result.exit_code == 0, result.output
        assert " ".join(result.output.split()) == " ".join(outputs[name].split())
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "failed" not in caplog.text
