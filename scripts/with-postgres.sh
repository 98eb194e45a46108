#!/usr/bin/env bash
# Run a command with TEST_DATABASE_URL pointing at a throwaway PostgreSQL cluster
# listening on 127.0.0.1 only; the cluster is stopped and removed afterwards.
# Exit code 3 means no PostgreSQL server binaries were found.
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "with-postgres: no PostgreSQL server binaries found" >&2
  exit 3
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

dir=$(mktemp -d /tmp/comptoir-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
# A free port below 32768, as the machine's rules ask.
port=${PGTEST_PORT:-$(python3 -c 'import socket,random
for _ in range(50):
    p = random.randint(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: s.close()')}

cleanup() {
  as_postgres "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

as_postgres "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
as_postgres "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
  -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
as_postgres "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE comptoir_test" >/dev/null

echo "with-postgres: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/comptoir_test"
"$@"
