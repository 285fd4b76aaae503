# Source this: starts a throwaway PostgreSQL on 127.0.0.1 and exports DATABASE_URL.
# Installs Debian's postgresql first if it is missing. `pg_stop` stops and removes it.
set -euo pipefail
command -v psql >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
export PGPORT=${PGPORT:-55432}
PGDATA=$(mktemp -d /tmp/pgdata.XXXXXX); chown postgres:postgres "$PGDATA"
pushd /tmp >/dev/null
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
  --auth-local=trust --auth-host=scram-sha-256 --no-sync >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 start -o \
  "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
runuser -u postgres -- psql -h "$PGDATA" -p "$PGPORT" -v ON_ERROR_STOP=1 -q \
  -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app"
export DATABASE_URL="postgres://app:app@127.0.0.1:$PGPORT/app" PGDATA PGBIN
pg_stop() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null && rm -rf "$PGDATA"; }
popd >/dev/null
