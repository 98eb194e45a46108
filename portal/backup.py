"""Backing up and restoring the database with each engine's own tools."""

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from .extensions import db


def default_backup_path(instance_path: str, url: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if make_url(url).get_backend_name() == "sqlite" else "dump"
    return Path(instance_path) / "backups" / f"comptoir-{stamp}.{suffix}"


def backup(url: str, destination: Path) -> Path:
    """Write a consistent copy of the database to `destination` while it keeps serving."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # The online backup API copies a consistent snapshot, even in WAL mode.
        with sqlite3.connect(parsed.database) as source, sqlite3.connect(destination) as target:
            source.backup(target)
        return destination
    _run_pg_tool("pg_dump", "--format=custom", "--no-owner", f"--file={destination}", url)
    return destination


def restore(url: str, source: Path) -> None:
    """Replace the database's content with a backup made by `backup`."""
    if not source.is_file():
        raise FileNotFoundError(source)
    parsed = make_url(url)
    db.session.remove()
    db.engine.dispose()
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(source) as backup_db, sqlite3.connect(parsed.database) as live:
            backup_db.backup(live)
        return
    _run_pg_tool(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={url}",
        str(source),
    )


def _run_pg_tool(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise RuntimeError(f"{tool} is not installed (Debian package postgresql-client)")
    # libpq tools want a plain postgresql:// URL, without SQLAlchemy's driver suffix.
    arguments = [a.replace("postgresql+psycopg://", "postgresql://") for a in args]
    subprocess.run([tool, *arguments], check=True)
