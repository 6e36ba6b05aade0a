#!/usr/bin/env bash
# Installs what bitflow-frontend's tests need on a fresh Debian 12 machine: the
# Node.js LTS pinned in bitflow-frontend/.node-version and the pnpm pinned by
# "packageManager", into /opt/bitflow-node/<version> (ci/scripts/setup-node.sh;
# `make -C ci test-frontend` puts that bin directory first on PATH). Any Node
# with npm already on the machine bootstraps it. Idempotent and
# non-interactive (CI=true, no stdin).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(ci/scripts/setup-node.sh)"
echo "setup-frontend: $("$bin/node" --version) and pnpm $(PATH="$bin:$PATH" "$bin/pnpm" --version < /dev/null) in $bin"
