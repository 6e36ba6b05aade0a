#!/usr/bin/env bash
# setup-backend.sh — prepare a Debian 12 machine to run the bitflow-core test job offline.
#
# Installs PHP (Debian's packaged Laravel 8.83, PHPUnit 9.6, Mockery, Faker, DBAL) plus
# PostgreSQL 15 and Redis 7 from apt, starts both on 127.0.0.1 without systemd, and creates
# the test role and database. Idempotent and non-interactive: safe to run twice, as root,
# with CI=true and no stdin.
#
# Environment (defaults match bitflow-core/phpunit.xml and scripts/test.sh):
#   BITFLOW_PG_VERSION  (15)       BITFLOW_PG_CLUSTER (main)
#   DB_DATABASE (bitflow_test)     DB_USERNAME (bitflow)   DB_PASSWORD (bitflow)
#   REDIS_PORT  (6379)
#   BITFLOW_SERVICES (local)       "external": install the PHP side only and start no server
#                                  (PostgreSQL/Redis come from elsewhere, e.g. Dagger services)
#   BITFLOW_COMPOSER_ARCHIVES (/opt/packagist-cache)  when it holds files/ (Composer package
#                                  archives made on this machine), Composer is installed too,
#                                  for the real-framework suite (bitflow-core/scripts/test.sh)
set -euo pipefail

PG_VERSION="${BITFLOW_PG_VERSION:-15}"
PG_CLUSTER="${BITFLOW_PG_CLUSTER:-main}"
DB_DATABASE="${DB_DATABASE:-bitflow_test}"
DB_USERNAME="${DB_USERNAME:-bitflow}"
DB_PASSWORD="${DB_PASSWORD:-bitflow}"
REDIS_PORT="${REDIS_PORT:-6379}"

log() { echo "setup-backend: $*"; }
die() { echo "setup-backend: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (installs packages, controls PostgreSQL)"
export DEBIAN_FRONTEND=noninteractive

SERVICES="${BITFLOW_SERVICES:-local}"
case "$SERVICES" in local|external) ;; *) die "BITFLOW_SERVICES must be local or external, got '$SERVICES'";; esac

PACKAGES=(
  php-cli php-mbstring php-xml php-curl php-pgsql php-sqlite3 php-redis
  php-laravel-framework php-doctrine-dbal php-faker php-mockery phpunit curl
)
# postgresql-client gives pg_isready; the servers only when this machine runs them.
if [ "$SERVICES" = local ]; then PACKAGES+=(postgresql redis-server); else PACKAGES+=(postgresql-client); fi
# Composer (and zip support) only where the real framework can be installed offline:
# bitflow-core/scripts/offline-composer.sh reads the package archives from here.
ARCHIVES="${BITFLOW_COMPOSER_ARCHIVES-/opt/packagist-cache}"
if [ -n "$ARCHIVES" ] && [ -d "$ARCHIVES/files" ]; then PACKAGES+=(composer php-zip unzip); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing: ${missing[*]}"
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
else
  log "all packages already installed"
fi

if [ "$SERVICES" = external ]; then
  log "BITFLOW_SERVICES=external: PHP side ready ($(php -r 'echo "PHP ", PHP_VERSION;')); no PostgreSQL/Redis started here"
  exit 0
fi

# --- PostgreSQL ------------------------------------------------------------------
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$PG_VERSION $PG_CLUSTER"; then
  log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
  pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi
status="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}')"
if [ "$status" != "online" ]; then
  log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
fi
PG_PORT="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $3}')"
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p "$PG_PORT" >/dev/null || die "PostgreSQL $PG_VERSION/$PG_CLUSTER not accepting connections on 127.0.0.1:$PG_PORT"

psql_admin() { su postgres -c "psql -p $PG_PORT -v ON_ERROR_STOP=1 -qtAX $*" </dev/null; }
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname = '$DB_USERNAME'\"")" != "1" ]; then
  log "creating role $DB_USERNAME"
  psql_admin "-c \"CREATE ROLE \\\"$DB_USERNAME\\\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'\""
else
  psql_admin "-c \"ALTER ROLE \\\"$DB_USERNAME\\\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'\""
fi
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname = '$DB_DATABASE'\"")" != "1" ]; then
  log "creating database $DB_DATABASE"
  psql_admin "-c \"CREATE DATABASE \\\"$DB_DATABASE\\\" OWNER \\\"$DB_USERNAME\\\"\""
fi
log "PostgreSQL $PG_VERSION/$PG_CLUSTER online on 127.0.0.1:$PG_PORT, database $DB_DATABASE owned by $DB_USERNAME"

# --- Redis -------------------------------------------------------------------------
if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  log "Redis already answering on 127.0.0.1:$REDIS_PORT"
else
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --save '' --appendonly no --logfile /var/log/redis/bitflow-redis.log --dir /tmp
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.2
  done
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -q PONG || die "Redis did not start on 127.0.0.1:$REDIS_PORT"
fi
log "ready: $(php -r 'echo "PHP ", PHP_VERSION;'), $(redis-server --version | awk '{print $1, $3}') (stop both: ci/scripts/stop-services.sh)"
