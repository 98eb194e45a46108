"""A throwaway PostgreSQL cluster of its own on 127.0.0.1, for the test that restarts one under load.

The suite's own cluster (scripts/with-postgres.sh) is shared by the parallel test workers:
restarting it would cut every other worker's connections, so that test gets this one.
"""

import contextlib
import os
import random
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def server_binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def free_port_below_32768() -> int:
    """The machine's rule: servers started by tests take a port below the ephemeral range."""
    for _ in range(100):
        port = random.randint(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port below 32768")


class PostgresServer:
    def __init__(self):
        self.bin = server_binaries()
        if self.bin is None:
            if os.environ.get("CI"):
                pytest.fail("the PostgreSQL server is required in CI (.ci/run installs it)")
            pytest.skip("PostgreSQL server binaries not installed")
        self.port = free_port_below_32768()
        # Not under pytest's tmp_path: as root the cluster runs as `postgres`, which cannot enter it.
        self.directory = Path(tempfile.mkdtemp(prefix="comptoir-pg-restart."))
        self.data = self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # initdb and the server refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

    def _pg_ctl(self, *args: str) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off -c max_connections=100"
        log = str(self.directory / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", *args, "-o", options)

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        self._pg_ctl("start")

    def restart(self) -> None:
        self._pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # never started
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)
