#!/usr/bin/env bash
# bitflow-frontend's CI test (called by `make test-frontend` from .ci/run):
#   1. pnpm install --frozen-lockfile
#   2. generated files current, one type check of the workspace, `pnpm test`
#   3. build two apps, lay each out as its runtime image would (standalone +
#      static, copied out of the repo), start the servers on 127.0.0.1 on
#      their ports, and check /api/health answers JSON 200 and / renders
# Exits non-zero on any failure. Needs Node 20 and pnpm (scripts/setup-frontend.sh).
# SMOKE_APPS overrides which apps are built and served (names from apps.json).
set -euo pipefail
cd "$(dirname "$0")/.."
export CI=true NEXT_TELEMETRY_DISABLED=1
SMOKE_APPS="${SMOKE_APPS:-bitflow-admin super-non-teaching-manager}"

t0=$(date +%s)
step() { echo "== frontend: $* ($(( $(date +%s) - t0 ))s)"; }
passed=0

step "pnpm install --frozen-lockfile"
pnpm install --frozen-lockfile --reporter=append-only < /dev/null

step "generated files"
node scripts/generate.mjs --check

step "typecheck"
pnpm --silent typecheck

step "vitest"
results="$(mktemp --suffix=.json)"
pnpm exec vitest run --reporter=default --reporter=json --outputFile="$results" < /dev/null
vitest_passed="$(node -p "JSON.parse(require(\"fs\").readFileSync(process.argv[1], \"utf8\")).numPassedTests" "$results")"
rm -f "$results"
passed=$(( passed + vitest_passed ))

# Look up ports in apps.json (refuses unknown names).
declare -A port
for app in $SMOKE_APPS; do
  port[$app]="$(node -e '
    const [name] = process.argv.slice(1);
    const apps = require("./apps.json");
    const a = apps.find((x) => x.name === name);
    if (!a) { console.error(`SMOKE_APPS: unknown app ${name}; valid: ${apps.map((x) => x.name).join(", ")}`); process.exit(1); }
    console.log(a.port);' "$app")"
done

filters=()
for app in $SMOKE_APPS; do filters+=(--filter "@bitflow/$app"); done
step "next build: $SMOKE_APPS"
pnpm --workspace-concurrency=2 "${filters[@]}" run build < /dev/null

step "generated files unchanged by the build"
node scripts/generate.mjs --check

runtime="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$runtime"
}
trap cleanup EXIT

for app in $SMOKE_APPS; do
  p="${port[$app]}"
  if node -e 'const s=require("net").createServer().once("error",()=>process.exit(1)).listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$p"; then :; else
    echo "frontend: port $p (for $app) is already in use on 127.0.0.1" >&2; exit 1
  fi
  # The same layout as the Dockerfile's runtime stage, outside the repo, so
  # the server can only use what the standalone output contains.
  dir="$runtime/$app"
  mkdir -p "$dir"
  cp -a "apps/$app/.next/standalone/." "$dir/"
  cp -a "apps/$app/.next/static" "$dir/apps/$app/.next/static"
  echo "frontend: $app runtime contents: $(du -sh "$dir" | cut -f1)"
  # A backend address where nothing listens: the dashboard must show its error state.
  (cd "$dir" && exec env NODE_ENV=production PORT="$p" HOSTNAME=127.0.0.1 \
      BITFLOW_API_URL=http://127.0.0.1:9 node "apps/$app/server.js") > "$runtime/$app.log" 2>&1 &
  pids+=($!)
done

step "smoke: /api/health on 127.0.0.1"
for app in $SMOKE_APPS; do
  if ! node scripts/smoke.mjs "$app" "${port[$app]}" 60; then
    echo "--- $app server log:" >&2; cat "$runtime/$app.log" >&2
    exit 1
  fi
  passed=$(( passed + 1 ))
done

step "done"
echo "frontend: ${passed} passed, 0 failed"
