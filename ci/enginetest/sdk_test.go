package enginetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"dagger.io/dagger"

	client "github.com/bitflow-lms/pipeline/ci/enginetest/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/internal/syncbuf"
)

// One engine session per test binary: the generated client's Connect loads
// the bitflow module from the repository and serves it once; every test then
// calls its functions with typed arguments and results.
var session struct {
	once sync.Once
	c    *client.Client
	err  error
	log  syncbuf.Buffer
}

func TestMain(m *testing.M) {
	code := m.Run()
	if session.c != nil {
		_ = session.c.Close()
	}
	os.Exit(code)
}

// engine returns the session's client, connecting on first use; with no
// engine reachable the test skips with skipLine.
func engine(t *testing.T) *client.Client {
	t.Helper()
	cli := daggerCLI(t)
	session.once.Do(func() {
		// The SDK runs this CLI's `dagger session` rather than downloading one.
		if os.Getenv("_EXPERIMENTAL_DAGGER_CLI_BIN") == "" {
			os.Setenv("_EXPERIMENTAL_DAGGER_CLI_BIN", cli)
		}
		start := time.Now()
		// The session loads the workspace's module (dagger.json at the
		// workdir) as its entrypoint, as `dagger call` does: the module's
		// functions are then on the query root, where the generated client
		// calls them, and `with` carries the constructor's arguments.
		session.c, session.err = client.Connect(context.Background(), dagger.WithWorkdir(repoRoot(t)),
			dagger.WithLoadWorkspaceModules(), dagger.WithLogOutput(&session.log))
		t.Logf("engine session with the bitflow module served: %.1fs", time.Since(start).Seconds())
	})
	if session.err != nil {
		t.Fatalf("connect to the engine and serve the bitflow module: %v\n%s", session.err, lastLines(session.log.String(), 40))
	}
	return session.c
}

// pipeline is the module's functions (the generated client puts them on the
// query root, the module being the session's entrypoint), its constructor
// given the base images of BITFLOW_DAGGER_ARGS (e.g.
// "--node-image=mirror.example/node:26") through `with`.
func pipeline(t *testing.T) *client.Query {
	t.Helper()
	c := engine(t)
	opts, err := constructorOpts(constructorArgs())
	if err != nil {
		t.Fatalf("BITFLOW_DAGGER_ARGS: %v", err)
	}
	if reflect.ValueOf(opts).IsZero() {
		return c.Query
	}
	return c.With(opts)
}

// constructorOpts maps constructor flags (--php-image=REF or --php-image REF)
// to the generated client's WithOpts fields of the same name.
func constructorOpts(args []string) (client.WithOpts, error) {
	var opts client.WithOpts
	v := reflect.ValueOf(&opts).Elem()
	for i := 0; i < len(args); i++ {
		name, value, ok := strings.Cut(strings.TrimPrefix(args[i], "--"), "=")
		if !ok {
			if i+1 == len(args) {
				return opts, fmt.Errorf("%s has no value", args[i])
			}
			i++
			value = args[i]
		}
		f := v.FieldByNameFunc(func(field string) bool { return strings.EqualFold(field, strings.ReplaceAll(name, "-", "")) })
		switch {
		case !f.IsValid():
			return opts, fmt.Errorf("the module's constructor has no --%s", name)
		case f.Kind() == reflect.String:
			f.SetString(value)
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			f.Set(reflect.Append(f, reflect.ValueOf(value)))
		default:
			return opts, fmt.Errorf("--%s is not a string flag", name)
		}
	}
	return opts, nil
}

// sdkCall runs one call through the client and returns it like a `dagger
// call`: stdout is the call's result, stderr the session's log meanwhile
// and the error (with an exec's stdout and stderr).
func sdkCall(t *testing.T, timeout time.Duration, what string, fn func(ctx context.Context) (string, error)) result {
	t.Helper()
	engine(t)
	from := session.log.Len()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	out, err := fn(ctx)
	r := result{stdout: out, stderr: session.log.Since(from) + errorText(err), err: err, took: time.Since(start)}
	first, _, _ := strings.Cut(errorText(err), "\n")
	t.Logf("%s: %.1fs, err=%s", what, r.took.Seconds(), first)
	return r
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	var exec *client.ExecError
	if errors.As(err, &exec) {
		return fmt.Sprintf("%v\nstdout:\n%s\nstderr:\n%s", err, exec.Stdout, exec.Stderr)
	}
	return err.Error()
}

// requireImages skips the test (one line naming them) when the engine cannot
// pull one of the base images a function needs, e.g. on an offline mirror
// that only carries stand-ins.
func requireImages(t *testing.T, refs ...string) {
	t.Helper()
	c := engine(t)
	var missing []string
	for _, ref := range refs {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		_, err := c.Container().From(ref).Sync(ctx)
		cancel()
		if err != nil {
			first, _, _ := strings.Cut(err.Error(), "\n")
			t.Logf("pull %s: %s", ref, first)
			missing = append(missing, ref)
		}
	}
	if len(missing) > 0 {
		t.Skipf("base image(s) %s not pullable by this engine (offline mirror without them): skipping", strings.Join(missing, ", "))
	}
}
