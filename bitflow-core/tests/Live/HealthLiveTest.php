<?php

namespace Tests\Live;

use PHPUnit\Framework\TestCase;
use Symfony\Component\Process\Process;

/**
 * End to end over HTTP: serve the app with PHP's built-in server against PostgreSQL,
 * see /health 200, stop the PostgreSQL cluster, see 503 naming the database, start
 * the cluster again and see 200 once more. The cluster is always restarted, also
 * when an assertion fails.
 *
 * Needs root (pg_ctlcluster), DB_CONNECTION=pgsql with DB_* pointing at that cluster,
 * Redis, and BITFLOW_LIVE_PG_CLUSTER=<version>/<name> (e.g. 15/main). scripts/test.sh
 * sets all of that; without it this test fails and says what is missing.
 */
class HealthLiveTest extends TestCase
{
    private ?Process $server = null;

    protected function tearDown(): void
    {
        if ($this->server !== null) {
            $this->server->stop(5);
        }
        parent::tearDown();
    }

    public function test_health_is_200_then_503_while_postgresql_is_stopped_then_200_again(): void
    {
        $cluster = (string) getenv('BITFLOW_LIVE_PG_CLUSTER');
        if (getenv('DB_CONNECTION') !== 'pgsql' || ! preg_match('#^(\d+)/([\w-]+)$#', $cluster, $m)) {
            $this->fail('the Live suite needs DB_CONNECTION=pgsql (with DB_HOST, DB_DATABASE, ...) and '
                .'BITFLOW_LIVE_PG_CLUSTER=<version>/<name>, e.g. 15/main: run bitflow-core/scripts/test.sh');
        }
        [, $version, $name] = $m;

        $base = $this->serve();

        [$status, $body] = $this->get("{$base}/health");
        $this->assertSame(200, $status, "healthy /health: {$body}");
        $this->assertSame('pgsql', json_decode($body, true)['checks']['database']['detail'] ?? null, $body);

        $this->pgctl('stop', $version, $name);
        try {
            [$status, $body] = $this->get("{$base}/health");
            $json = json_decode($body, true);
            $this->assertSame(503, $status, "/health with PostgreSQL stopped: {$body}");
            $this->assertSame('fail', $json['checks']['database']['status'] ?? null, $body);
            $this->assertSame('ok', $json['checks']['redis']['status'] ?? null, $body);

            [$status, $body] = $this->get("{$base}/up");
            $this->assertSame(503, $status, "/up with PostgreSQL stopped: {$body}");
        } finally {
            $this->pgctl('start', $version, $name);
        }

        [$status, $body] = $this->get("{$base}/health");
        $this->assertSame(200, $status, "/health after PostgreSQL restarted: {$body}");
    }

    /** Starts `php -S` on a free loopback port and waits until the app answers. */
    private function serve(): string
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0', $errno, $error);
        $this->assertNotFalse($probe, "no free port: {$error}");
        $port = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);

        $root = dirname(__DIR__, 2);
        $this->server = new Process(
            [PHP_BINARY, '-S', "127.0.0.1:{$port}", '-t', "{$root}/public", "{$root}/public/index.php"],
            $root, ['LOG_CHANNEL' => 'stderr'], null, null,
        );
        $this->server->start();

        $base = "http://127.0.0.1:{$port}";
        $deadline = microtime(true) + 15;
        while (microtime(true) < $deadline) {
            if ($this->server->isRunning() && $this->get("{$base}/health/live")[0] === 200) {
                return $base;
            }
            usleep(100_000);
        }
        $this->fail("php -S on port {$port} did not serve /health/live within 15s:\n"
            .$this->server->getOutput().$this->server->getErrorOutput());
    }

    /** @return array{0: int, 1: string} status code (0 when unreachable) and body */
    private function get(string $url): array
    {
        $context = stream_context_create(['http' => ['ignore_errors' => true, 'timeout' => 15]]);
        // A refused connection is an answer here (status 0), not a warning of the test.
        set_error_handler(static fn (): bool => true);
        try {
            $body = file_get_contents($url, false, $context);
        } finally {
            restore_error_handler();
        }
        if ($body === false || ! isset($http_response_header[0])) {
            return [0, ''];
        }
        preg_match('#^HTTP/\S+ (\d{3})#', $http_response_header[0], $m);

        return [(int) ($m[1] ?? 0), $body];
    }

    private function pgctl(string $action, string $version, string $name): void
    {
        // The server pg_ctlcluster starts must not keep the descriptors it inherits from
        // PHP open (PHP's script files, the console's php://stdout): a pipe reading this
        // test's output, e.g. `scripts/test.sh | tee`, would never see its end.
        $closeInherited = 'for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; '
            .'exec pg_ctlcluster "$@"';
        $process = new Process(['bash', '-c', $closeInherited, 'pg_ctlcluster', $version, $name, $action], null, null, null, 60);
        $process->run();
        $this->assertSame(0, $process->getExitCode(),
            "pg_ctlcluster {$version} {$name} {$action} failed: ".$process->getErrorOutput().$process->getOutput());
        echo "\n[live] pg_ctlcluster {$version} {$name} {$action}: ok";
    }
}
