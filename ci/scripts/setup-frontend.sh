#!/usr/bin/env bash
# Installs what bitflow-frontend's tests need on a fresh Debian 12 machine:
# the pnpm version pinned by "packageManager" in bitflow-frontend/package.json,
# with npm, when it is missing or a different version. Node 20 must already be
# on the machine. Idempotent and non-interactive (CI=true, no stdin).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CI="${CI:-true}"

pkg="$PWD/bitflow-frontend/package.json"
command -v node >/dev/null || { echo "setup-frontend: node is not installed (need Node 20)" >&2; exit 1; }
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "setup-frontend: Node $(node --version) is too old; bitflow-frontend needs Node 20" >&2
  exit 1
fi

# "pnpm@10.34.9" (optionally "+sha512...") -> "10.34.9"
want="$(node -p 'const pm = require(process.argv[1]).packageManager || ""; const m = /^pnpm@([0-9][^+]*)/.exec(pm); if (!m) { throw new Error(process.argv[1] + ": packageManager must be pnpm@<version>, got " + JSON.stringify(pm)); } m[1]' "$pkg" < /dev/null)"

have="$(pnpm --version 2>/dev/null < /dev/null || true)"
if [ "$have" = "$want" ]; then
  echo "setup-frontend: pnpm $want already installed"
  exit 0
fi
echo "setup-frontend: installing pnpm $want with npm (found: ${have:-none})"
npm install --global --no-fund --no-audit --loglevel=error "pnpm@$want" < /dev/null
hash -r
got="$(pnpm --version < /dev/null)"
if [ "$got" != "$want" ]; then
  echo "setup-frontend: pnpm on PATH is $got after installing $want ($(command -v pnpm)); fix PATH" >&2
  exit 1
fi
echo "setup-frontend: pnpm $got ready"
