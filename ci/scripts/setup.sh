#!/usr/bin/env bash
# Installs everything `make test` needs on a fresh Debian 12 machine (as root)
# and starts the services the tests talk to. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive

# make runs the test targets; shellcheck lints the workflows' run: scripts.
need=()
for tool in make shellcheck; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need[*]}"
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "setup: Go modules"
go mod download

for part in backend frontend; do
  if [ -x "ci/scripts/setup-$part.sh" ]; then
    echo "setup: $part"
    "ci/scripts/setup-$part.sh"
  fi
done
