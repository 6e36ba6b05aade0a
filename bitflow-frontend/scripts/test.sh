#!/usr/bin/env bash
# bitflow-frontend's CI test (called by `make test-frontend` from .ci/run):
#   1. pnpm install --frozen-lockfile
#   2. generated files current, one type check of the workspace, `pnpm test`
#   3. build two apps by replaying their Dockerfiles outside the repo (no
#      Docker engine needed: scripts/replay-dockerfile.mjs), start each
#      runtime stage's CMD on 127.0.0.1 on the app's port, and check that
#      /api/health answers JSON 200, / renders, and the image's HEALTHCHECK
#      command passes
#   4. each build ran on Next 16 with Turbopack, and its runtime holds no
#      sharp, libvips or typescript (next-config.mjs TRACE_EXCLUDES)
# Exits non-zero on any failure. Needs the Node LTS of .node-version and the
# pinned pnpm first on PATH (`make -C ci test-frontend` puts them there:
# ci/scripts/setup-node.sh installs them).
# SMOKE_APPS overrides which apps are built and served (names from apps.json).
set -euo pipefail
cd "$(dirname "$0")/.."
export CI=true NEXT_TELEMETRY_DISABLED=1
SMOKE_APPS="${SMOKE_APPS:-bitflow-admin super-non-teaching-manager}"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

t0=$(date +%s)
step() { echo "== frontend: $* ($(( $(date +%s) - t0 ))s)"; }
passed=0

want_major="$(cut -d. -f1 .node-version)"
have="$(node --version)"
if [ "${have#v}" = "$have" ] || [ "$(echo "${have#v}" | cut -d. -f1)" != "$want_major" ]; then
  echo "frontend: node on PATH is $have, .node-version wants Node $want_major ($(tr -d '\n' < .node-version)):" \
    "put \$(../ci/scripts/setup-node.sh) first on PATH, or run make -C ci test-frontend" >&2
  exit 1
fi
echo "frontend: node $have, pnpm $(pnpm --version < /dev/null)"

step "pnpm install --frozen-lockfile"
pnpm install --frozen-lockfile --reporter=append-only < /dev/null

step "generated files"
node scripts/generate.mjs --check

step "typecheck"
pnpm --silent typecheck

step "vitest"
results="$work/vitest.json"
vitest_rc=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile="$results" < /dev/null || vitest_rc=$?
read -r vitest_passed vitest_failed < <(node -p 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); `${r.numPassedTests} ${r.numFailedTests}`' "$results" 2>/dev/null || echo "0 0")
passed=$(( passed + vitest_passed ))
failed_tests=$vitest_failed
if [ "$vitest_rc" -ne 0 ]; then
  echo "frontend: ${passed} passed, ${failed_tests} failed (vitest exited $vitest_rc)" >&2
  exit 1
fi

# Ports from apps.json (refuses unknown names).
declare -A port
for app in $SMOKE_APPS; do
  port[$app]="$(node -e '
    const [name] = process.argv.slice(1);
    const apps = require("./apps.json");
    const a = apps.find((x) => x.name === name);
    if (!a) { console.error(`SMOKE_APPS: unknown app ${name}; valid: ${apps.map((x) => x.name).join(", ")}`); process.exit(1); }
    console.log(a.port);' "$app")"
done

step "build by replaying apps/<app>/Dockerfile: $SMOKE_APPS"
builds=()
for app in $SMOKE_APPS; do
  node scripts/replay-dockerfile.mjs "$app" "$work/$app" > "$work/$app.build.log" 2>&1 < /dev/null &
  builds+=("$!:$app")
done
failed=()
for b in "${builds[@]}"; do  # wait for every build, so none outlives a failure
  app="${b#*:}"
  if wait "${b%%:*}"; then
    grep -E '^replay ' "$work/$app.build.log" || true
    tail -n 1 "$work/$app.build.log" > "$work/$app.runtime.json"
  else
    failed+=("$app")
  fi
done
for app in "${failed[@]}"; do
  echo "--- frontend: building $app from apps/$app/Dockerfile failed:" >&2; cat "$work/$app.build.log" >&2
done
if [ "${#failed[@]}" -gt 0 ]; then echo "frontend: FAIL Dockerfile build of: ${failed[*]}" >&2; exit 1; fi

for app in $SMOKE_APPS; do
  # `next build` prints "▲ Next.js 16.x.y (Turbopack)"; the runtime must not
  # carry what TRACE_EXCLUDES leaves out.
  if ! grep -qE 'Next\.js 16\.[0-9]+\.[0-9]+ \(Turbopack\)' "$work/$app.build.log"; then
    echo "frontend: FAIL apps/$app was not built by Next 16 with Turbopack:" >&2; grep -E 'Next\.js' "$work/$app.build.log" >&2 || true; exit 1
  fi
  rdir="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1])).dir' "$work/$app.runtime.json")"
  stray="$(find "$rdir/node_modules/.pnpm" -maxdepth 1 \( -name 'sharp@*' -o -name '@img+*' -o -name 'typescript@*' \) -printf '%f ' 2>/dev/null || true)"
  dangling="$(find "$rdir" -xtype l -printf '%P ' | head -c 400)"
  if [ -n "$stray$dangling" ]; then
    echo "frontend: FAIL apps/$app runtime carries ${stray:+packages: $stray}${dangling:+dangling links: $dangling}" >&2; exit 1
  fi
  echo "frontend: $app built by $(grep -oE 'Next\.js 16\.[0-9]+\.[0-9]+ \(Turbopack\)' "$work/$app.build.log" | head -n 1), runtime without sharp/libvips/typescript"
done

step "generated files unchanged by the builds"
node scripts/generate.mjs --check

for app in $SMOKE_APPS; do
  p="${port[$app]}"
  rt="$work/$app.runtime.json"
  # The runtime stage must be non-root, expose the app's port and set PORT to it.
  node -e '
    const [file, app, port] = process.argv.slice(1);
    const rt = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const bad = [];
    if (!rt.user || rt.user === "root" || rt.user === "0") bad.push(`USER is ${rt.user}`);
    if (JSON.stringify(rt.expose) !== `[${port}]`) bad.push(`EXPOSE ${rt.expose}`);
    if (rt.env.PORT !== port) bad.push(`ENV PORT=${rt.env.PORT}`);
    if (!rt.healthcheck.length) bad.push("no HEALTHCHECK");
    if (bad.length) { console.error(`apps/${app}/Dockerfile runtime stage: ${bad.join(", ")} (want non-root, port ${port})`); process.exit(1); }
    console.log(`frontend: ${app} runtime: user ${rt.user}, port ${port}, contents ${rt.dir}`);' "$rt" "$app" "$p"
  echo "frontend: $app runtime contents: $(du -sh "$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1])).dir' "$rt")" | cut -f1)"
  if ! node -e 'const s=require("net").createServer().once("error",()=>process.exit(1)).listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$p"; then
    echo "frontend: port $p (for $app) is already in use on 127.0.0.1" >&2; exit 1
  fi
  # Start the runtime's CMD in its directory with its ENV, on 127.0.0.1, and
  # a backend address where nothing listens: the dashboard must show its
  # error state.
  node -e '
    const { spawn } = require("child_process");
    const rt = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const env = { PATH: process.env.PATH, ...rt.env, HOSTNAME: "127.0.0.1", BITFLOW_API_URL: "http://127.0.0.1:9" };
    const child = spawn(rt.cmd[0], rt.cmd.slice(1), { cwd: rt.dir, env, stdio: "inherit" });
    for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => child.kill(sig));
    child.on("exit", (code, sig) => process.exit(code ?? 1));' "$rt" > "$work/$app.server.log" 2>&1 &
  pids+=($!)
done

step "smoke: /api/health on 127.0.0.1"
for app in $SMOKE_APPS; do
  rt="$work/$app.runtime.json"
  if ! node scripts/smoke.mjs "$app" "${port[$app]}" 60; then
    echo "--- $app server log:" >&2; cat "$work/$app.server.log" >&2
    exit 1
  fi
  # The image's HEALTHCHECK command, run as Docker would (exec form, image env).
  if ! node -e '
    const { spawnSync } = require("child_process");
    const rt = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const r = spawnSync(rt.healthcheck[0], rt.healthcheck.slice(1), { cwd: rt.dir, env: { PATH: process.env.PATH, ...rt.env }, stdio: "inherit", timeout: 5000 });
    process.exit(r.status ?? 1);' "$rt"; then
    echo "frontend: FAIL the HEALTHCHECK of apps/$app/Dockerfile exited non-zero" >&2; exit 1
  fi
  echo "smoke $app: ok the Dockerfile's HEALTHCHECK command exits 0"
  passed=$(( passed + 1 ))
done

step "done"
# Every later check exits at its first failure, so only vitest can count failures here.
echo "frontend: ${passed} passed, ${failed_tests} failed"
