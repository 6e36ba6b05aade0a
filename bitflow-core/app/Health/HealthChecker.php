<?php

namespace App\Health;

use Illuminate\Database\DatabaseManager;
use Illuminate\Redis\RedisManager;
use Psr\Log\LoggerInterface;
use Throwable;

/**
 * Runs the readiness checks the deploy depends on: a round trip to the default
 * database connection and a PING to Redis. Each check is timed and isolated: one
 * failing never hides the other's result.
 *
 * The JSON names the failing exception class only. The full message (which may
 * carry host names) goes to the log; credentials appear in neither.
 */
class HealthChecker
{
    public function __construct(
        private DatabaseManager $db,
        private RedisManager $redis,
        private LoggerInterface $log,
    ) {
    }

    /**
     * @return array{status: string, checks: array<string, array<string, mixed>>}
     */
    public function run(): array
    {
        $checks = [
            'database' => $this->check('database', function (): string {
                $connection = $this->db->connection();
                $connection->select('select 1');

                return $connection->getDriverName();
            }),
            'redis' => $this->check('redis', function (): string {
                $connection = $this->redis->connection();
                $connection->ping();

                return 'ping';
            }),
        ];

        $healthy = ! in_array('fail', array_column($checks, 'status'), true);

        return ['status' => $healthy ? 'ok' : 'fail', 'checks' => $checks];
    }

    /**
     * @param  callable(): string  $probe
     * @return array<string, mixed>
     */
    private function check(string $name, callable $probe): array
    {
        $started = hrtime(true);
        try {
            $detail = $probe();

            return ['status' => 'ok', 'detail' => $detail, 'latency_ms' => $this->since($started)];
        } catch (Throwable $e) {
            $this->log->warning("health check {$name} failed: ".$e->getMessage(), ['exception' => get_class($e)]);

            return ['status' => 'fail', 'error' => class_basename($e), 'latency_ms' => $this->since($started)];
        }
    }

    private function since(int $started): float
    {
        return round((hrtime(true) - $started) / 1e6, 2);
    }
}
