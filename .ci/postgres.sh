# Start a throwaway PostgreSQL server for the tests (sourced by .ci/run); stopped on exit.
# Installs Debian's postgresql when the machine has none.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
PG_DIR=$(mktemp -d /tmp/socket-ci-pg.XXXXXX)
chown postgres "$PG_DIR"
as_postgres() { runuser -u postgres -- "$@"; }
# UTF-8 whatever the machine's locale: without LANG a cluster would come up SQL_ASCII. Text is
# collated by ICU's en-US, as on a server set up in en_US: socket's lists must come in the
# same order as on SQLite all the same (adapters/store/collation.py).
as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U socket --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --locale-provider=icu --icu-locale=en-US >/dev/null
# A throwaway server: nothing in it must survive a crash, so no fsync. Every store test makes
# and drops a database of its own (tests/engines.py), and with fsync each DROP DATABASE waits
# seconds for its checkpoint. Its time zone is not UTC, as many servers' is not: socket must
# store and show the same moments whatever the server's zone.
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-k $PG_DIR -p 54329 -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c timezone=Pacific/Chatham" start >/dev/null
stop_postgres() { as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null || true; rm -rf "$PG_DIR"; }
trap stop_postgres EXIT
export SOCKET_TEST_POSTGRES_URL="postgresql+psycopg://socket@/postgres?host=$PG_DIR&port=54329"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') for the tests at $PG_DIR"
