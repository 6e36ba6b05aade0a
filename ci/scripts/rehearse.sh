#!/usr/bin/env bash
# Rehearses a whole release against the in-repo AWS API emulator, with no AWS
# account and no Dagger engine: seed the Bitflow topology (ECR images, task
# definitions, services, ALB with blue/green target groups), then plan, deploy
# rolling, deploy blue/green, and roll the blue/green deploy back — the same
# deploy brain and the same SDK calls a real deploy makes.
#
#   ci/scripts/rehearse.sh
#
# The emulator listens on a free port (it prints "ready at http://..."), so
# rehearsals never collide with each other or with anything on 4566. The
# manifests and logs are kept in the printed folder only when it fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

sha="${REHEARSE_SHA:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo 0123456789ab)}"
work="$(mktemp -d)"
emu_pid=
finish() {
  local rc=$?
  [ -n "$emu_pid" ] && { kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; }
  if [ "$rc" -eq 0 ]; then rm -rf "$work"; else echo "rehearse: failed; logs and manifests kept in $work"; fi
}
trap finish EXIT

echo "rehearse: building the deploy CLI (its emulator verb serves the AWS emulator)"
go build -o "$work/bitflow-deploy" ./ci/cmd/bitflow-deploy

"$work/bitflow-deploy" emulator --seed --seed-bluegreen --seed-tag "$sha" --quiet >"$work/emulator.log" 2>&1 &
emu_pid=$!
# The emulator seeds before it serves; "ready at" comes once both are done.
for _ in $(seq 150); do
  grep -q 'ready at http' "$work/emulator.log" && break
  kill -0 "$emu_pid" 2>/dev/null || break
  sleep 0.2
done
endpoint="$(sed -n 's/.*ready at \(http:[^ ]*\).*/\1/p' "$work/emulator.log" | head -n 1)"
[ -n "$endpoint" ] || { cat "$work/emulator.log"; echo "rehearse: emulator did not become ready"; exit 1; }
echo "rehearse: emulator ready at $endpoint"

# ci/environments/emulator.yaml names the emulator's fixed ARNs and a test URL
# on 127.0.0.1:4566; point them at this run's address.
sed "s#http://127.0.0.1:4566#$endpoint#g" ci/environments/emulator.yaml > "$work/emulator.yaml"

# deploy runs one verb; its full output (with task-definition diffs) goes to
# $work/<n>.log, the terminal gets it without the diff bodies.
n=0
deploy() {
  n=$((n + 1))
  local rc=0
  "$work/bitflow-deploy" "$@" --config "$work/emulator.yaml" --endpoint "$endpoint" >"$work/$n.log" 2>&1 || rc=$?
  grep -v -e '^      ' -e '^    [-+@ ]' -e '^release manifest: ' "$work/$n.log" || true
  return "$rc"
}
step() { echo; echo "=== rehearse: $*"; }

mutating_calls() { curl -fsS "$endpoint/_emulator/calls" | grep -o '"Mutating":true' | wc -l; }

before=$(mutating_calls)
step "check: every AWS resource the environment needs exists and is configured as it says"
deploy check >"$work/check.txt" || { cat "$work/check.txt"; echo "rehearse: check found missing or misconfigured resources"; exit 1; }
grep -v -e '^  ok ' -e '^  frontend service ' "$work/check.txt"

step "plan (read-only) for a blue/green release of $sha"
deploy plan --sha "$sha" --strategy bluegreen
"$work/bitflow-deploy" plan --sha "$sha" --strategy bluegreen --json --config "$work/emulator.yaml" --endpoint "$endpoint" 2>/dev/null >"$work/plan.json"
after=$(mutating_calls)
[ "$before" = "$after" ] || { echo "rehearse: plan made $((after - before)) mutating AWS calls"; exit 1; }
echo "(plan as JSON: $(wc -c <"$work/plan.json") bytes; mutating AWS calls during plan: 0)"

step "rolling deploy of $sha"
deploy deploy --sha "$sha" --strategy rolling --no-report --manifest "$work/rolling.json"

step "blue/green deploy of $sha (bake shortened for the rehearsal)"
sed -i 's/^  bake: 30s/  bake: 3s/' "$work/emulator.yaml"
deploy deploy --sha "$sha" --strategy bluegreen --no-report --manifest "$work/bluegreen.json"

step "rollback of the blue/green deploy from its release manifest"
deploy rollback --manifest "$work/bluegreen.json" --no-report --output "$work/rollback.json"

echo
for m in rolling bluegreen rollback; do
  printf 'rehearse: %-9s outcome=%s\n' "$m" "$(sed -n 's/^  "outcome": "\(.*\)",*/\1/p' "$work/$m.json")"
done
grep -q '"outcome": "succeeded"' "$work/rolling.json"
grep -q '"outcome": "succeeded"' "$work/bluegreen.json"
grep -q '"outcome": "succeeded"' "$work/rollback.json"
echo "rehearse: all stages succeeded against the emulator ($(curl -fsS "$endpoint/_emulator/calls" | grep -o '"Action"' | wc -l) AWS API calls)"
