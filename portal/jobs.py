"""Daily jobs run by the worker's scheduler, in exactly one process whatever the number of hosts.

Each job has a row in `job_lease`. At or after the job's time of day (Europe/Paris), every
scheduler tries to take the lease with one conditional UPDATE ("not run today, nobody holding
it"); the database lets one win, the others see 0 rows changed and do nothing. A job that fails
is tried again 10 minutes later; one whose process died frees its lease after LEASE.

Other features add their retention jobs with `daily_job("name", hour, minute)(function)`.
The same jobs stay available as commands (`flask --app wsgi send-reminders` …) for a crontab.
"""

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, update

from .claims import insert_or_ignore
from .extensions import db
from .models import JobLease, utcnow

log = logging.getLogger("portal.jobs")

NETWORK_ZONE = ZoneInfo("Europe/Paris")
LEASE = timedelta(minutes=30)
RETRY_AFTER_FAILURE = timedelta(minutes=10)


@dataclass(frozen=True)
class DailyJob:
    name: str
    at: time
    run: Callable[[], str]


JOBS: dict[str, DailyJob] = {}


def daily_job(name: str, hour: int, minute: int = 0):
    def register(function: Callable[[], str]) -> Callable[[], str]:
        JOBS[name] = DailyJob(name, time(hour, minute), function)
        return function

    return register


def send_all_reminders() -> list[str]:
    """What `flask send-reminders` and the daily job do: tomorrow's help bookings, parcels kept
    until tomorrow. One line per kind, for the command's output and the job's log."""
    from .blueprints.bookings.services import send_reminders
    from .blueprints.parcels.services import send_reminders as send_parcel_reminders

    with current_app.test_request_context():
        sent = send_reminders()
        parcels = send_parcel_reminders()
    return [f"{sent} reminder(s) sent.", f"{parcels} parcel reminder(s) sent."]


def purge_all_personal_data() -> list[str]:
    """What `flask purge-personal-data` and the daily job do: every retention rule of the
    personal-data map (portal/blueprints/privacy/retention.py)."""
    from .blueprints.privacy.retention import run

    with current_app.test_request_context():
        return run().lines()


@daily_job("send-reminders", 18)
def send_reminders_job() -> str:
    return " ".join(send_all_reminders())


@daily_job("purge-personal-data", 3, 30)
def purge_personal_data_job() -> str:
    return " ".join(purge_all_personal_data())


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def take_lease(name: str, day: str, now: datetime) -> bool:
    """True for the one process that may run job `name` for `day` now."""
    insert_or_ignore(JobLease, {"name": name, "holder": "", "expires_at": now, "last_run_on": ""}, ["name"])
    db.session.commit()
    won = db.session.execute(
        update(JobLease)
        .where(JobLease.name == name, JobLease.last_run_on != day, or_(JobLease.expires_at <= now))
        .values(holder=holder_name(), expires_at=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return won == 1


def _finish(name: str, day: str | None, until: datetime) -> None:
    values = {"expires_at": until}
    if day is not None:
        values |= {"last_run_on": day, "last_run_at": utcnow()}
    db.session.execute(
        update(JobLease)
        .where(JobLease.name == name)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Run each daily job whose time has come today and that no process has run today."""
    now = now or utcnow()
    local = now.astimezone(NETWORK_ZONE)
    day = local.date().isoformat()
    done = []
    for job in list(JOBS.values()):
        if local.time() < job.at or not take_lease(job.name, day, now):
            continue
        try:
            outcome = job.run()
        except Exception:
            db.session.rollback()
            log.exception("Daily job %s failed; trying again in 10 minutes", job.name)
            _finish(job.name, None, utcnow() + RETRY_AFTER_FAILURE)
            continue
        _finish(job.name, day, utcnow())
        log.info("Daily job %s: %s", job.name, outcome)
        done.append(job.name)
    return done
