"""The worker: sends the outbox and runs the daily jobs, off the request path.

- `flask --app wsgi worker` (production): with REDIS_URL, an RQ worker takes the jobs that
  each commit enqueues (a message is sent within a second); beside it, a sweep every
  OUTBOX_POLL_SECONDS sends whatever is due (retries, messages recorded while Redis was
  down) and runs the daily jobs whose time has come (portal/jobs.py). Run one or more.
- Nothing configured (`make run`): each web process runs the same sweep in a background
  thread, started by its first request, so nothing else needs starting.
- `flask --app wsgi worker --once`: one sweep, then stop (for a crontab or a check).
"""

import logging
import threading
import time

import click
from flask import Flask, current_app

from . import outbox
from .jobs import run_due_jobs

log = logging.getLogger("portal.worker")


def sweep(scheduler: bool = True) -> tuple[int, list[str]]:
    """Send what is due, then run the daily jobs that are due; never raises."""
    sent, jobs = 0, []
    try:
        sent = outbox.deliver_due()
    except Exception:
        log.exception("Sending the outbox failed; trying again at the next sweep")
    if scheduler:
        try:
            jobs = run_due_jobs()
        except Exception:
            log.exception("The scheduler failed; trying again at the next sweep")
    return sent, jobs


def _sweep_forever(app: Flask, stop: threading.Event, scheduler: bool) -> None:
    while True:
        with app.app_context():
            sweep(scheduler)
        if stop.wait(app.config["OUTBOX_POLL_SECONDS"]):
            return


def _rq_forever(app: Flask) -> None:
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import SimpleWorker

    while True:
        try:
            # No socket timeout: the worker blocks on the queue until a job comes.
            connection = Redis.from_url(
                app.config["REDIS_URL"], socket_connect_timeout=2, health_check_interval=30
            )
            worker = SimpleWorker([outbox.rq_queue(app, connection)], connection=connection)
            worker.work(with_scheduler=False, logging_level="INFO")
            return  # stopped by SIGTERM / Ctrl+C
        except RedisError as error:
            log.warning("Redis unreachable (%s): the sweep sends messages meanwhile; retrying in 5 s", error)
            time.sleep(5)


def _start_web_sender() -> None:
    app = current_app._get_current_object()
    if app.extensions.get("outbox_thread_started"):
        return
    app.extensions["outbox_thread_started"] = True
    outbox.background_sender(app).wake()


def init_app(app: Flask) -> None:
    from .outbox import check_committed

    app.after_request(check_committed)
    embedded = not app.config.get("REDIS_URL") and not app.config.get("OUTBOX_INLINE")
    if embedded and app.config.get("EMBEDDED_WORKER", True):
        app.before_request(_start_web_sender)

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="One sweep (send what is due, run due daily jobs), then stop.")
    @click.option(
        "--no-scheduler", is_flag=True, help="Only send messages; leave the daily jobs to another worker."
    )
    def worker_command(once: bool, no_scheduler: bool):
        """Send emails and SMS from the outbox and run the daily jobs (see the README)."""
        app = current_app._get_current_object()
        if once:
            sent, jobs = sweep(not no_scheduler)
            click.echo(f"{sent} message(s) sent; daily jobs run: {', '.join(jobs) or 'none'}.")
            return
        stop = threading.Event()
        sweeper = threading.Thread(
            target=_sweep_forever, args=(app, stop, not no_scheduler), name="comptoir-sweep", daemon=True
        )
        sweeper.start()
        mode = (
            "RQ on " + app.config["REDIS_URL"].split("@")[-1]
            if app.config["REDIS_URL"]
            else "database polling"
        )
        log.info("Worker started (%s, sweep every %s s)", mode, app.config["OUTBOX_POLL_SECONDS"])
        try:
            if app.config["REDIS_URL"]:
                _rq_forever(app)
            else:
                while sweeper.is_alive():
                    sweeper.join(1)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
