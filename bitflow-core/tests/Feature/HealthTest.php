<?php

namespace Tests\Feature;

use Illuminate\Foundation\Testing\RefreshDatabase;
use Illuminate\Log\Events\MessageLogged;
use Illuminate\Support\Facades\Event;
use Tests\TestCase;

/**
 * /health and /up against the real database of this run (SQLite or PostgreSQL) and the
 * real Redis on REDIS_HOST:REDIS_PORT; failures are produced by pointing a dependency at
 * a closed port, not by mocking.
 */
class HealthTest extends TestCase
{
    use RefreshDatabase;

    private const CLOSED_PORT = 1;

    private function breakRedis(): void
    {
        config(['database.redis.default.port' => self::CLOSED_PORT, 'database.redis.default.timeout' => 1.0]);
        $this->app['redis']->purge('default');
    }

    private function breakDatabase(string $password = 'unused'): void
    {
        config([
            'database.connections.unreachable' => [
                'driver' => 'pgsql', 'host' => '127.0.0.1', 'port' => self::CLOSED_PORT,
                'database' => 'bitflow', 'username' => 'bitflow', 'password' => $password,
                'charset' => 'utf8', 'prefix' => '', 'schema' => 'public', 'sslmode' => 'disable',
                'options' => [\PDO::ATTR_TIMEOUT => 2],
            ],
            'database.default' => 'unreachable',
        ]);
    }

    public function test_health_and_up_are_200_when_database_and_redis_answer(): void
    {
        foreach (['/health', '/up'] as $uri) {
            $this->getJson($uri)
                ->assertStatus(200)
                ->assertHeader('Cache-Control', 'no-store, private')
                ->assertJsonPath('status', 'ok')
                ->assertJsonPath('checks.database.status', 'ok')
                ->assertJsonPath('checks.database.detail', config('database.connections.'.config('database.default').'.driver'))
                ->assertJsonPath('checks.redis.status', 'ok')
                ->assertJsonStructure(['checks' => ['database' => ['latency_ms'], 'redis' => ['latency_ms']]]);
        }
    }

    public function test_503_names_redis_when_redis_is_down(): void
    {
        $this->breakRedis();

        $this->getJson('/health')
            ->assertStatus(503)
            ->assertJsonPath('status', 'fail')
            ->assertJsonPath('checks.database.status', 'ok')
            ->assertJsonPath('checks.redis.status', 'fail')
            ->assertJsonPath('checks.redis.error', 'RedisException');
    }

    public function test_503_names_the_database_when_it_is_unreachable_and_leaks_no_credentials(): void
    {
        $secret = 'db-password-sentinel-'.bin2hex(random_bytes(6));
        $this->breakDatabase($secret);
        $logged = [];
        Event::listen(MessageLogged::class, static function (MessageLogged $event) use (&$logged): void {
            $logged[] = $event->message.' '.json_encode($event->context);
        });

        $response = $this->getJson('/up')
            ->assertStatus(503)
            ->assertJsonPath('status', 'fail')
            ->assertJsonPath('checks.database.status', 'fail')
            ->assertJsonPath('checks.redis.status', 'ok');

        $this->assertNotEmpty($response->json('checks.database.error'));
        $this->assertStringNotContainsString($secret, $response->getContent());
        $this->assertStringContainsString('health check database failed', implode("\n", $logged));
        $this->assertStringNotContainsString($secret, implode("\n", $logged));
    }

    public function test_503_when_both_fail_and_liveness_still_answers(): void
    {
        $this->breakDatabase();
        $this->breakRedis();

        $this->getJson('/health')
            ->assertStatus(503)
            ->assertJsonPath('checks.database.status', 'fail')
            ->assertJsonPath('checks.redis.status', 'fail');

        $this->getJson('/health/live')->assertStatus(200)->assertExactJson(['status' => 'ok']);
    }
}
