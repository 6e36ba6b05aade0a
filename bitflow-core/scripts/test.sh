#!/usr/bin/env bash
# bitflow-core/scripts/test.sh — the whole backend test job.
#
#   1. the suite against SQLite in memory
#   2. the suite against PostgreSQL (DB_CONNECTION=pgsql on DB_HOST, default 127.0.0.1)
#   3. the Live suite: serves the app over HTTP, /health 200, stops the PostgreSQL
#      cluster, /health 503, starts it again (always left running), /health 200
#
# The three phases run on the framework this checkout loads (bootstrap/autoload.php:
# vendor/ if present, else Debian's Laravel 8.83 + PHPUnit 9.6), then again on the real
# framework (Laravel 11 + PHPUnit 11 from composer.json) when the Composer package
# archives are on this machine (scripts/offline-composer.sh: BITFLOW_COMPOSER_ARCHIVES,
# default /opt/packagist-cache); it is installed into a temporary copy of the app, never
# into this directory. Without the archives one line says the real-framework run was skipped.
#
# Prerequisites: ci/scripts/setup-backend.sh (PHP, PostgreSQL and Redis running, test role).
# Environment (defaults match setup-backend.sh):
#   DB_HOST 127.0.0.1  DB_PORT 5432  DB_DATABASE bitflow_test  DB_USERNAME bitflow  DB_PASSWORD bitflow
#   REDIS_HOST 127.0.0.1  REDIS_PORT 6379
#   BITFLOW_LIVE_PG_CLUSTER 15/main   the local cluster phase 3 stops and starts
#   BITFLOW_LIVE=0                    skip phase 3 (e.g. PostgreSQL is a service container
#                                     this job cannot stop); a line says it was skipped
# Exits non-zero if any phase fails; each phase prints PHPUnit's summary line.
set -uo pipefail

cd "$(dirname "$0")/.."

export DB_HOST="${DB_HOST:-127.0.0.1}" DB_PORT="${DB_PORT:-5432}" DB_DATABASE_PG="${DB_DATABASE:-bitflow_test}"
export DB_USERNAME="${DB_USERNAME:-bitflow}" DB_PASSWORD="${DB_PASSWORD:-bitflow}"
export REDIS_HOST="${REDIS_HOST:-127.0.0.1}" REDIS_PORT="${REDIS_PORT:-6379}"
LIVE="${BITFLOW_LIVE:-1}"
LIVE_CLUSTER="${BITFLOW_LIVE_PG_CLUSTER:-15/main}"

fail() { echo "test.sh: FAIL: $*" >&2; exit 1; }

command -v php >/dev/null || fail "php not found: run scripts/setup-backend.sh"
php -r 'exit(@fsockopen(getenv("REDIS_HOST"), (int) getenv("REDIS_PORT")) ? 0 : 1);' \
  || fail "Redis not reachable at $REDIS_HOST:$REDIS_PORT: run scripts/setup-backend.sh"
php -r 'exit(@fsockopen(getenv("DB_HOST"), (int) getenv("DB_PORT")) ? 0 : 1);' \
  || fail "PostgreSQL not reachable at $DB_HOST:$DB_PORT: run scripts/setup-backend.sh"

results=()
run_phase() {
  local name="$1"; shift
  echo
  echo "=== bitflow-core: $name ==="
  local started=$SECONDS
  if env "$@"; then
    results+=("PASS  $name ($((SECONDS - started))s)")
  else
    results+=("FAIL  $name ($((SECONDS - started))s)")
  fi
}

# run_suites DIR: the three phases on the app in DIR, named by the framework it loads.
run_suites() {
  local dir="$1" fw
  fw="$(cd "$dir" && php artisan --version 2>/dev/null | sed 's/^Laravel Framework /Laravel /')"
  [ -n "$fw" ] || { results+=("FAIL  php artisan --version in $dir"); return; }
  (
    cd "$dir" || exit 1
    run_phase "$fw: suite on SQLite (:memory:)" \
      DB_CONNECTION=sqlite DB_DATABASE=:memory: php artisan test
    run_phase "$fw: suite on PostgreSQL ($DB_HOST:$DB_PORT/$DB_DATABASE_PG)" \
      DB_CONNECTION=pgsql DB_DATABASE="$DB_DATABASE_PG" php artisan test
    if [ "$LIVE" = "0" ]; then
      echo
      echo "=== bitflow-core: $fw: live /health check SKIPPED: BITFLOW_LIVE=0 (cannot stop PostgreSQL from this job) ==="
      results+=("SKIP  $fw: live /health 200 -> stop PostgreSQL -> 503 -> start -> 200 (BITFLOW_LIVE=0)")
    else
      run_phase "$fw: live /health 200 -> stop PostgreSQL $LIVE_CLUSTER -> 503 -> start -> 200" \
        DB_CONNECTION=pgsql DB_DATABASE="$DB_DATABASE_PG" BITFLOW_LIVE_PG_CLUSTER="$LIVE_CLUSTER" \
        php artisan test --testsuite Live
      # Belt and braces: the test restarts the cluster in a finally block; prove it is up.
      php -r 'exit(@fsockopen(getenv("DB_HOST"), (int) getenv("DB_PORT")) ? 0 : 1);' \
        || results+=("FAIL  PostgreSQL left running after the live check")
    fi
    printf '%s\n' "${results[@]}" >"$RESULTS"
  )
  mapfile -t results <"$RESULTS"
}

RESULTS="$(mktemp)"
REAL=""
trap 'rm -f "$RESULTS"; [ -z "$REAL" ] || rm -rf "$REAL"' EXIT

run_suites .

if why="$(scripts/offline-composer.sh check)"; then
  REAL="$(mktemp -d)/bitflow-core"
  echo
  echo "=== bitflow-core: installing composer.json's framework from the machine's archives ==="
  if scripts/offline-composer.sh install "$REAL"; then
    run_suites "$REAL"
  else
    results+=("FAIL  offline composer install (scripts/offline-composer.sh)")
  fi
else
  echo
  echo "=== bitflow-core: real-framework suite (composer.json's Laravel 11) SKIPPED: $why ==="
fi

echo
echo "=== bitflow-core: summary ==="
printf '%s\n' "${results[@]}"
if printf '%s\n' "${results[@]}" | grep -q '^FAIL'; then
  echo "test.sh: FAIL: at least one phase failed" >&2
  exit 1
fi
echo "test.sh: all phases passed"
