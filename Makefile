# One entry point for people and CI. `make test` is what .ci/run calls.
SHELL := /bin/bash
GO_TEST_FLAGS ?= -p 2 -count=1

.PHONY: rehearse test test-go test-ci-module test-backend test-frontend fmt-check bench emulator help

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

test: fmt-check test-go test-ci-module rehearse test-backend test-frontend ## every test: Go, Dagger module (pure parts), emulator rehearsal, backend, frontend

fmt-check: ## gofmt must have nothing to say
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

test-go: ## vet and test the deploy brain, the AWS emulator and the reporters
	go vet ./...
	go test $(GO_TEST_FLAGS) ./...

test-ci-module: ## build, vet and test the Dagger module; its engine tests say in one line each why they skip when no engine is reachable
	cd ci && go build ./... && go vet ./... && go test $(GO_TEST_FLAGS) $$(go list ./... | grep -v /enginetest)
	set -o pipefail; cd ci && go test $(GO_TEST_FLAGS) -v ./enginetest/ | { grep -E -e '--- (SKIP|FAIL|PASS)' -e '^(ok|FAIL)' -e '_test.go:[0-9]+: ' || true; }

test-backend: ## bitflow-core: PHPUnit on SQLite and PostgreSQL, live /health check
	bitflow-core/scripts/test.sh

test-frontend: ## bitflow-frontend: vitest over all apps, build two apps and probe /api/health
	bitflow-frontend/scripts/test.sh

bench: ## benchmarks of the deploy brain against the emulator (prints numbers)
	go test -run '^$$' -bench . -benchtime 1x ./...

rehearse: ## plan, rolling deploy, blue/green deploy and rollback against the AWS emulator (no AWS account, no engine)
	scripts/rehearse.sh

emulator: ## run the AWS API emulator on 127.0.0.1:4566 with the Bitflow topology seeded
	go run ./cmd/aws-emulator --seed
