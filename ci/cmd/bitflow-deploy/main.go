// Command bitflow-deploy deploys a Bitflow release to ECS, with one verb per
// file (ecspresso-like):
//
//	bitflow-deploy check    --env production                      validate the file; check every AWS resource it needs
//	bitflow-deploy plan     --env production --sha <git sha>      read-only: what a deploy would change
//	bitflow-deploy deploy   --env production --sha <git sha>      check images, migrate, deploy, wait
//	bitflow-deploy rollback --env production [--sha S|--manifest F] undo the newest release in the ledger
//	bitflow-deploy releases --env production                      the ledger's history and DORA summary
//	bitflow-deploy lock     status|release --env production        the environment's deploy lock
//	bitflow-deploy summary  --manifest <file> [--publish <file>]  the Markdown job summary of a run
//	bitflow-deploy outcome  --manifest <file>                     exit 1 unless the run succeeded
//	bitflow-deploy emulator [--seed] [-- command...]              serve the in-repo AWS emulator
//
// --env NAME reads ci/environments/NAME.yaml (or --config PATH); --endpoint
// (or AWS_ENDPOINT_URL) sends every AWS call elsewhere, e.g. to the emulator.
// Exit status: 0 success, 1 the deploy failed, 2 bad usage or config,
// 130 cancelled (SIGINT/SIGTERM: the wait stops and the state is reported).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/bitflow-lms/pipeline/ci/scrub"
)

func main() {
	scrub.KnownEnviron(os.Environ()) // the runner's own secrets are masked wherever they appear
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
