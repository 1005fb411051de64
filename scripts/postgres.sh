# Sourced by test.sh: a throwaway PostgreSQL server for this run, on a free loopback port, from Debian's
# packages (installed when missing and we are root). Exports BOT_TEST_POSTGRES (a DSN) for the tests that
# run on PostgreSQL; stops the server and removes its files when the run ends. Without a server those
# tests are skipped with the reason, unless CI is set (then they fail).
start_postgres() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing PostgreSQL (apt-get) for the tests …" >&2
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; } >/dev/null 2>&1 || true
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  fi
  if [ -z "$bin" ]; then
    echo "PostgreSQL not available: its tests are skipped" >&2
    return 0
  fi
  PG_TEST_DIR="$(mktemp -d /tmp/bot-pg.XXXXXX)"
  local port run=()
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_TEST_DIR"
    run=(runuser -u postgres --)
  fi
  if "${run[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
       >"$PG_TEST_DIR/initdb.log" 2>&1 \
     && "${run[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 30 start \
       -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TEST_DIR -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c max_connections=200" >/dev/null; then
    export BOT_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$port/postgres"
    PG_TEST_RUN=("${run[@]}")
    PG_TEST_BIN="$bin"
    trap stop_postgres EXIT
  else
    echo "PostgreSQL could not be started (see $PG_TEST_DIR): its tests are skipped" >&2
  fi
}

stop_postgres() {
  "${PG_TEST_RUN[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_TEST_DIR"
}

start_postgres
