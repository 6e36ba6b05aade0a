// Package rehearsal holds the rehearsal of a release (check, plan, rolling
// deploy, rollback) against moto_server, a second implementation of the AWS
// APIs written by others: the topology is created through the SDK
// (seed.Account) and the deploy brain runs unchanged. ci/scripts/rehearse.sh
// is the same rehearsal against the in-repo emulator. Run it with
// `make -C ci rehearse` (which requires moto) or
// `go test -v ./ci/rehearsal/` (skips without moto_server).
package rehearsal
