#!/usr/bin/env bash
# Portal build benchmarks: prints numbers, asserts nothing (not a test).
#
#   scripts/bench.sh host [APP] [RUNS]
#       bare `next build` of APP (default student) from an empty .next, RUNS
#       times (default 3) on this machine with the node on PATH: each run's
#       seconds, the median, and the standalone output's size.
#   scripts/bench.sh engine [APP] [RUNS]
#       on the Dagger engine of the environment (`dagger` on PATH; see
#       ci/docs/dagger.md), in a scratch copy of the repository's tracked files:
#       `dagger call build-frontend --app APP` once (warm-up), then RUNS times
#       (default 3) after a one-line change to apps/APP/app/page.tsx (the
#       number that counts: each run's seconds and the median),
#       `node --version` inside the built image, its root filesystem size and
#       the size of its exported OCI tarball.
#   scripts/bench.sh engine-all [cold]
#       the 14 portals published to the engine's local registry
#       (127.0.0.1:5000) from a scratch copy with packages/shared changed by one
#       line, so every portal image is rebuilt: the publish time and its table.
#       With `cold`, the scratch Dockerfiles use new ids for the Turbopack cache
#       mounts, so every `next build` starts from an empty cache.
#
# BENCH_DAGGER_ARGS adds constructor flags (e.g. --node-image=...).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(cd .. && pwd)"
export NEXT_TELEMETRY_DISABLED=1 CI=true

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# A copy of the repository's tracked files as they are in the working tree,
# removed on exit.
SCRATCH=""
trap 'if [ -n "$SCRATCH" ]; then rm -rf "$SCRATCH"; fi' EXIT
scratch_copy() {
  SCRATCH="$(mktemp -d /tmp/bitflow-bench-XXXXXX)"
  git -C "$REPO" ls-files -z | (cd "$REPO" && tar --null -T - -cf -) | tar -xf - -C "$SCRATCH"
}

host() {
  local app="${1:-student}" runs="${2:-3}" t0 t1 times=()
  [ -d "apps/$app" ] || { echo "bench: no apps/$app" >&2; exit 2; }
  echo "bench host: $app, node $(node --version), next $(node -p 'require("./apps/'"$app"'/node_modules/next/package.json").version'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
  for i in $(seq 1 "$runs"); do
    rm -rf "apps/$app/.next"
    t0="$(now)"
    (cd "apps/$app" && ./node_modules/.bin/next build > "/tmp/bitflow-bench-$app.log" 2>&1) || { cat "/tmp/bitflow-bench-$app.log" >&2; exit 1; }
    t1="$(now)"
    times+=("$(secs "$t0" "$t1")")
    echo "bench host: run $i: next build ${times[-1]} s"
  done
  echo "bench host: next build of $app, median $(median "${times[@]}") s over $runs runs; standalone $(du -sh "apps/$app/.next/standalone" | cut -f1)"
}

engine() {
  local app="${1:-student}" runs="${2:-3}" dir t0 t1 out times=()
  command -v dagger >/dev/null || { echo "bench engine: dagger is not on PATH (eval \"\$(../shared/dagger-native/dagger-native.sh env)\")" >&2; exit 2; }
  scratch_copy
  dir="$SCRATCH"
  # shellcheck disable=SC2086
  run() { (cd "$dir" && dagger --progress=plain call ${BENCH_DAGGER_ARGS:-} "$@"); }
  echo "bench engine: $app in $dir"
  t0="$(now)"; run build-frontend --app "$app" with-exec --args node,--version stdout > /dev/null 2> "$dir/warm.log" || { tail -n 40 "$dir/warm.log" >&2; exit 1; }; t1="$(now)"
  echo "bench engine: build-frontend --app $app (warm-up): $(secs "$t0" "$t1") s"
  for i in $(seq 1 "$runs"); do
    echo "// bench: one-line change $i $(date +%s)" >> "$dir/bitflow-frontend/apps/$app/app/page.tsx"
    t0="$(now)"; out="$(run build-frontend --app "$app" with-exec --args node,--version stdout 2> "$dir/change.log")" || { tail -n 40 "$dir/change.log" >&2; exit 1; }; t1="$(now)"
    times+=("$(secs "$t0" "$t1")")
    echo "bench engine: build-frontend --app $app after one-line change $i: ${times[-1]} s (node --version in the image: $out)"
  done
  echo "bench engine: build-frontend --app $app after a one-line change, median $(median "${times[@]}") s over $runs runs"
  out="$(run build-frontend --app "$app" with-user --name root with-exec --args sh,-c,'du -sxk / | cut -f1' stdout 2> /dev/null)"
  echo "bench engine: $app image root filesystem: $(( out / 1024 )) MiB"
  run build-frontend --app "$app" export --path "$dir/$app.tar" > /dev/null 2>&1
  echo "bench engine: $app image exported (OCI tarball): $(( $(stat -c %s "$dir/$app.tar") / 1048576 )) MiB"
}

engine_all() {
  local dir t0 t1 list
  command -v dagger >/dev/null || { echo "bench engine-all: dagger is not on PATH" >&2; exit 2; }
  scratch_copy
  dir="$SCRATCH"
  echo "// bench: one-line change $(date +%s)" >> "$dir/bitflow-frontend/packages/shared/src/apps.ts"
  if [ "${1:-}" = cold ]; then
    # New ids for the per-app Turbopack cache mounts: every next build starts empty.
    sed -i "s/id=bitflow-next-/id=bench-$(date +%s)-next-/" "$dir"/bitflow-frontend/apps/*/Dockerfile
  fi
  list="$(node -p 'require("./apps.json").map((a) => a.name).join(",")')"
  t0="$(now)"
  # shellcheck disable=SC2086
  (cd "$dir" && dagger --progress=plain call ${BENCH_DAGGER_ARGS:-} publish --registry 127.0.0.1:5000/bench --sha "$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')" --apps "$list") > "$dir/publish.out" 2> "$dir/publish.log" || { tail -n 40 "$dir/publish.log" >&2; exit 1; }
  t1="$(now)"
  cp "$dir/publish.log" /tmp/bitflow-bench-engine-all.log
  cat "$dir/publish.out"
  echo "bench engine-all${1:+ $1}: 14 portals built and published after a packages/shared change: $(secs "$t0" "$t1") s (engine log: /tmp/bitflow-bench-engine-all.log)"
}

case "${1:-}" in
  host) shift; host "$@" ;;
  engine) shift; engine "$@" ;;
  engine-all) shift; engine_all "$@" ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
esac
