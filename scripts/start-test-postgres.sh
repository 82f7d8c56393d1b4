#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on 127.0.0.1 for the tests and writes its
# URL to .ci-pg-url. Missing server binaries: tries apt-get; failing that, the
# PostgreSQL variants are skipped (the SQLite tests still run).
set -uo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  fi
fi
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL server not available: the PostgreSQL test variants are skipped." >&2
  rm -f .ci-pg-url; exit 0
fi
PORT=${EXAM_CENTER_PG_PORT:-54329}
if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres" > .ci-pg-url
  echo "PostgreSQL for tests already running on 127.0.0.1:$PORT"; exit 0
fi
DATA=$(mktemp -d /tmp/exam-center-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" = "0" ]; then chown postgres "$DATA" 2>/dev/null || { useradd -r postgres && chown postgres "$DATA"; }; RUN_AS=(runuser -u postgres --); fi
"${RUN_AS[@]}" "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 >/dev/null
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" -l "$DATA/log" -w start >/dev/null
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres" > .ci-pg-url
echo "PostgreSQL for tests on 127.0.0.1:$PORT"
