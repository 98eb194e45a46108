"""Measure page weight, queries and speed of the main pages, side by side with a hello world.

    .venv/bin/python scripts/bench.py [--scale 1000] [--requests 100] [--live-seconds 6]

Builds a throwaway SQLite database from the migrations and the demo data (or, with
--scale N, `seed-scale --cafes N`; DATABASE_URL=postgresql://… to bench PostgreSQL), then:
1. in-process: bytes (raw and gzip), SQL queries and server time per page;
2. live: a Flask hello world and Comptoir under the same gunicorn settings (2 sync workers,
   COMPTOIR_ENV=production), each page hammered by wrk (2 threads, 16 connections) for a
   bounded time; each page's requests/s as a share of the hello world's, p50/p99, errors.
   Without wrk, a Python client does it (it then competes with the servers for the CPU).
Everything stops by itself.
"""

import argparse
import contextvars
import gzip
import os
import re
import shutil
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
    ("directory search", "/?q=dordogne", {}),
    ("search (htmx fragment)", "/?q=dordogne", {"HX-Request": "true", "HX-Target": "cafe-results"}),
    ("café page", "/c/saint-jean-de-cole/", {}),
    ("events list", "/c/saint-jean-de-cole/events/", {}),
    ("event page", "{event}", {}),
    ("noticeboard", "/c/saint-jean-de-cole/board/", {}),
    ("notice page", "{notice}", {}),
    ("digital help", "/c/saint-jean-de-cole/help/", {}),
    ("iCalendar feed", "/c/saint-jean-de-cole/events.ics", {}),
    ("Atom feed", "/c/saint-jean-de-cole/events.atom", {}),
    ("login", "/account/login", {}),
    ("stylesheet", "/static/css/comptoir.css", {}),
]


def resolve_pages(app) -> list[tuple[str, str, dict]]:
    """Fill in the event and notice pages with real ids of the bench café."""
    from sqlalchemy import select

    from portal.blueprints.noticeboard.services import board
    from portal.extensions import db
    from portal.models import Cafe, Event, utcnow

    with app.app_context():
        cafe = db.session.scalar(select(Cafe).where(Cafe.slug == "saint-jean-de-cole"))
        event = db.session.scalar(
            select(Event.id)
            .where(Event.cafe_id == cafe.id, Event.starts_at > utcnow())
            .order_by(Event.starts_at)
        )
        # A notice that is on the board today (published, not hidden, not expired).
        on_board = board(cafe)
        notice = on_board[0].id if on_board else None
    values = {
        "event": f"/c/saint-jean-de-cole/events/{event}" if event else "",
        "notice": f"/c/saint-jean-de-cole/board/{notice}" if notice else "",
    }
    pages = []
    for name, url, headers in PAGES:
        url = url.format(**values) if url.startswith("{") else url
        if url:
            pages.append((name, url, headers))
    return pages


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def in_process(app, requests: int, pages) -> None:
    from sqlalchemy import event

    from portal.extensions import db

    client = app.test_client()
    print("| page | bytes | gzip bytes | SQL queries | median ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, url, headers in pages:
        first = client.get(url, headers=headers)
        if first.status_code != 200:
            print(f"{name}: {url} answers {first.status_code}", file=sys.stderr)
        body = first.data
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


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(app_path: str, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", app_path],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return server, base


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def wrk(url: str, headers: dict, seconds: float) -> dict:
    """requests/s, p50 and p99 in ms, errors (socket errors and non-2xx/3xx) from wrk."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds:.0f}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 30).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = 0
    for match in re.finditer(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in match.groups())
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    return {"rate": float(rate.group(1)) if rate else 0.0, "p50": ms("50"), "p99": ms("99"), "errors": errors}


def python_client(url: str, headers: dict, seconds: float) -> dict:
    timings, errors = hammer(url, headers, seconds, 16)
    return {
        "rate": len(timings) / seconds,
        "p50": percentile(timings, 0.5) if timings else float("nan"),
        "p99": percentile(timings, 0.99) if timings else float("nan"),
        "errors": len(errors),
    }


def live(env: dict, seconds: float, pages) -> None:
    measure = wrk if shutil.which("wrk") else python_client
    hello_server, hello = start_gunicorn("scripts.hello_app:app", env)
    try:
        before = measure(hello + "/", {}, seconds)
    finally:
        stop(hello_server)
    server, base = start_gunicorn("wsgi:app", env)
    rows = []
    try:
        for name, url, headers in pages:
            try:
                urllib.request.urlopen(urllib.request.Request(base + url, headers=headers), timeout=30).read()
            except OSError as error:
                print(f"{name}: {base + url} answers {error}", file=sys.stderr)
            rows.append((name, measure(base + url, headers, seconds)))
    finally:
        stop(server)
    hello_server, hello = start_gunicorn("scripts.hello_app:app", env)
    try:
        after = measure(hello + "/", {}, seconds)
    finally:
        stop(hello_server)
    yardstick = (before["rate"] + after["rate"]) / 2
    client = "wrk 2 threads × 16 connections" if measure is wrk else "Python client, 16 threads"
    print(f"\nLive: gunicorn 2 sync workers, {client}, {seconds:.0f} s per page")
    print(f"Flask hello world: {before['rate']:.0f} then {after['rate']:.0f} req/s (mean {yardstick:.0f})\n")
    print("| page | × hello world | requests/s | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, result in rows:
        print(
            f"| {name} | {result['rate'] / yardstick:.2f}× | {result['rate']:.0f} | {result['p50']:.1f} "
            f"| {result['p99']:.1f} | {result['errors']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--live-seconds", type=float, default=6)
    parser.add_argument(
        "--scale", type=int, default=0, help="seed-scale with this many cafés instead of the demo"
    )
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="comptoir-bench-")
    env = {
        **os.environ,
        "COMPTOIR_ENV": "production",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite3",
        "HTMX_SOURCE": "local",
        "SECRET_KEY": "bench-" + "x" * 32,
        "SESSION_COOKIE_SECURE": "0",
        "RATELIMIT_ENABLED": "0",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "TRUSTED_HOSTS": "localhost",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    flask = str(ROOT / ".venv/bin/flask")
    subprocess.run(
        [flask, "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    if args.scale:
        print(f"seed-scale --cafes {args.scale} …", flush=True)
        subprocess.run(
            [flask, "--app", "wsgi", "seed-scale", "--cafes", str(args.scale)], cwd=ROOT, env=env, check=True
        )
    else:
        subprocess.run(
            [flask, "--app", "wsgi", "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True
        )

    from portal import create_app

    app = create_app()
    pages = resolve_pages(app)
    if args.requests > 0:
        in_process(app, args.requests, pages)
    if args.live_seconds > 0:
        live(env, args.live_seconds, pages)


if __name__ == "__main__":
    main()
