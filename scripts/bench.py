"""Measure page weight, queries and speed of the main pages on the demo network.

    .venv/bin/python scripts/bench.py [--requests 200] [--live-seconds 10]

Builds a throwaway SQLite database from the migrations and the demo data, then:
1. in-process: bytes (raw and gzip), SQL queries and server time per page;
2. live: gunicorn (2 workers) on 127.0.0.1, several client threads for a bounded
   time, requests per second and latency percentiles. Everything stops by itself.
"""

import argparse
import contextvars
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("directory", "/", {}),
    ("search (htmx fragment)", "/?q=dordogne", {"HX-Request": "true", "HX-Target": "cafe-results"}),
    ("café page", "/c/saint-jean-de-cole/", {}),
    ("events list", "/c/saint-jean-de-cole/events/", {}),
    ("noticeboard", "/c/saint-jean-de-cole/board/", {}),
    ("digital help", "/c/saint-jean-de-cole/help/", {}),
    ("iCalendar feed", "/c/saint-jean-de-cole/events.ics", {}),
    ("login", "/account/login", {}),
    ("stylesheet", "/static/css/comptoir.css", {}),
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def in_process(app, requests: int) -> None:
    from sqlalchemy import event

    from portal.extensions import db

    client = app.test_client()
    print("| page | bytes | gzip bytes | SQL queries | median ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, url, headers in PAGES:
        body = client.get(url, headers=headers).data
        statements: list[int] = []

        def listener(*args, statements=statements):
            statements.append(1)

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", listener)
            timings = []
            for _ in range(requests):
                start = time.perf_counter()
                # A fresh context per request, as on a server: no session shared between requests.
                contextvars.Context().run(client.get, url, headers=headers)
                timings.append((time.perf_counter() - start) * 1000)
            event.remove(db.engine, "before_cursor_execute", listener)
        print(
            f"| {name} | {len(body):,} | {len(gzip.compress(body)):,} | {len(statements) // requests} "
            f"| {statistics.median(timings):.1f} | {percentile(timings, 0.95):.1f} |"
        )


def hammer(url: str, headers: dict, seconds: float, threads: int) -> tuple[list[float], list[int]]:
    """GET `url` from several threads until `seconds` have passed; timings in ms and errors."""
    timings: list[float] = []
    errors: list[int] = []
    deadline = time.monotonic() + seconds

    def worker():
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5).read()
                timings.append((time.perf_counter() - start) * 1000)
            except OSError:
                errors.append(1)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return timings, errors


def live(env: dict, seconds: float, threads: int) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        print(f"\nLive: gunicorn, 2 workers, {threads} client threads, {seconds:.0f} s per page")
        print("| page | requests/s | median ms | p95 ms | errors |")
        print("|---|---:|---:|---:|---:|")
        for name, url, headers in PAGES[:3]:
            timings, errors = hammer(base + url, headers, seconds, threads)
            print(
                f"| {name} | {len(timings) / seconds:.0f} | {statistics.median(timings):.1f} "
                f"| {percentile(timings, 0.95):.1f} | {len(errors)} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--live-seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="comptoir-bench-")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
        "HTMX_SOURCE": "local",
        "SECRET_KEY": "bench-" + "x" * 32,
        "RATELIMIT_ENABLED": "0",
    }
    os.environ.update(env)
    flask = str(ROOT / ".venv/bin/flask")
    subprocess.run(
        [flask, "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    subprocess.run([flask, "--app", "wsgi", "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)

    from portal import create_app

    in_process(create_app(), args.requests)
    if args.live_seconds > 0:
        live(env, args.live_seconds, args.threads)


if __name__ == "__main__":
    main()
