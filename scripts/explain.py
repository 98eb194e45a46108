"""EXPLAIN ANALYZE every SQL statement of the hot anonymous pages, on the database in DATABASE_URL.

    DATABASE_URL=postgresql+psycopg://… .venv/bin/python scripts/explain.py [--show-plans]

Run it on a network-scale database (`flask --app wsgi seed-scale`). Each page is computed
by the app (page cache off), its statements are captured with their parameters and run
again under EXPLAIN (ANALYZE, BUFFERS); a line per statement gives its time and any
sequential scan of a large table (the sign of a missing index).
"""

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("directory", "/"),
    ("directory search", "/?q=dordogne"),
    ("café page", "/c/saint-jean-de-cole/"),
    ("events list", "/c/saint-jean-de-cole/events/"),
    ("board", "/c/saint-jean-de-cole/board/"),
    ("digital help", "/c/saint-jean-de-cole/help/"),
    ("Atom feed", "/c/saint-jean-de-cole/events.atom"),
]
BIG_TABLES = 5000  # rows: a sequential scan of a table this big is reported


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--show-plans", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("COMPTOIR_ENV", "production")
    os.environ.setdefault("SECRET_KEY", "explain-" + "x" * 32)
    os.environ.setdefault("PUBLIC_BASE_URL", "http://localhost")
    os.environ.setdefault("TRUSTED_HOSTS", "localhost")
    os.environ["PAGE_CACHE_ENABLED"] = "0"
    os.environ["RATELIMIT_ENABLED"] = "0"
    from sqlalchemy import event, text

    from portal import create_app
    from portal.extensions import db

    app = create_app({"PAGE_CACHE_ENABLED": False, "EMBEDDED_WORKER": False})
    client = app.test_client()
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            sys.exit(
                "explain.py: EXPLAIN ANALYZE is meant for PostgreSQL (DATABASE_URL=postgresql+psycopg://…)"
            )
        with engine.connect() as connection:
            sizes = dict(
                connection.execute(text("SELECT relname, n_live_tup FROM pg_stat_user_tables")).all()
            )
        for name, url in PAGES:
            captured = []

            def capture(conn, cursor, statement, parameters, context, executemany, captured=captured):
                if statement.lstrip().upper().startswith("SELECT"):
                    captured.append((statement, parameters))

            event.listen(engine, "before_cursor_execute", capture)
            response = client.get(url)
            event.remove(engine, "before_cursor_execute", capture)
            print(f"\n## {name} ({url}): {response.status_code}, {len(captured)} statements")
            total = 0.0
            for statement, parameters in captured:
                raw = engine.raw_connection()
                try:
                    cursor = raw.cursor()
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                finally:
                    raw.close()
                took = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
                total += took
                scans = [
                    table
                    for table in re.findall(r"Seq Scan on (\w+)", plan)
                    if sizes.get(table, 0) >= BIG_TABLES
                ]
                tables = sorted(set(re.findall(r"\bFROM (\w+)", statement)))
                flag = f"  SEQ SCAN of {', '.join(sorted(set(scans)))}" if scans else ""
                print(f"- {took:7.2f} ms  {', '.join(tables)}{flag}")
                if args.show_plans or scans:
                    print("    " + plan.replace("\n", "\n    "))
            print(f"  total {total:.1f} ms")


if __name__ == "__main__":
    main()
