#!/usr/bin/env bash
# Stops the PostgreSQL cluster and the Redis server that setup-backend.sh
# started for the tests (`bash .ci/run` leaves them running so that
# `make -C ci test` can run again). Safe to run when they are already stopped.
set -euo pipefail
PG_VERSION="${BITFLOW_PG_VERSION:-15}"
PG_CLUSTER="${BITFLOW_PG_CLUSTER:-main}"
REDIS_PORT="${REDIS_PORT:-6379}"

if command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c && $4=="online"' | grep -q .; then
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop
  echo "stop-services: PostgreSQL $PG_VERSION/$PG_CLUSTER stopped"
else
  echo "stop-services: PostgreSQL $PG_VERSION/$PG_CLUSTER not running"
fi
if command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  echo "stop-services: Redis on 127.0.0.1:$REDIS_PORT stopped"
else
  echo "stop-services: Redis on 127.0.0.1:$REDIS_PORT not running"
fi
