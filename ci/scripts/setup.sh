#!/usr/bin/env bash
# Installs everything `make test` needs on a fresh Debian 12 machine (as root)
# and starts the services the tests talk to. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive

# Prerequisites this script does not install (Debian 12's packages are older):
# Go 1.26 (go.mod's toolchain line), and any Node with npm: setup-frontend.sh
# uses its npm to install the Node LTS that bitflow-frontend runs on.
command -v go >/dev/null || { echo "setup: Go is not installed: install Go 1.26 first (see README.md)" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: npm is not installed: install Node with npm first (see README.md)" >&2; exit 1; }
echo "setup: $(go version | awk '{print $3}'), bootstrap node $(node --version 2>/dev/null || echo none)"

# make runs the test targets; shellcheck lints the workflows' run: scripts.
need=()
for tool in make shellcheck; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need[*]}"
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" </dev/null >/dev/null
fi

echo "setup: Go modules"
go mod download && go -C ci/dagger mod download

for part in backend frontend; do
  if [ -x "ci/scripts/setup-$part.sh" ]; then
    echo "setup: $part"
    "ci/scripts/setup-$part.sh"
  fi
done
