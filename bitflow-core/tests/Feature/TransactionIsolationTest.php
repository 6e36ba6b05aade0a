<?php

namespace Tests\Feature;

use Illuminate\Foundation\Testing\RefreshDatabase;
use Illuminate\Support\Facades\DB;
use Tests\TestCase;

/**
 * RefreshDatabase rolls back the connection it began its transaction on, even when the
 * test has pointed database.default elsewhere (as HealthTest does): otherwise that
 * connection stays inside its transaction and, on SQLite :memory: under Laravel 11,
 * the next test's BEGIN fails with "There is already an active transaction".
 */
class TransactionIsolationTest extends TestCase
{
    use RefreshDatabase;

    public function test_the_rollback_reaches_the_tested_connection_after_the_default_moved(): void
    {
        $tested = config('database.default');
        $pdo = DB::connection($tested)->getPdo();
        if (! $pdo->inTransaction() && version_compare($this->app->version(), '9', '<')
            && config("database.connections.{$tested}.database") === ':memory:') {
            $this->markTestSkipped('Laravel 8 migrates a new in-memory database for each test instead of a transaction');
        }
        $this->assertTrue($pdo->inTransaction(), "RefreshDatabase began a transaction on {$tested}");

        config([
            'database.connections.elsewhere' => ['driver' => 'sqlite', 'database' => ':memory:', 'prefix' => ''],
            'database.default' => 'elsewhere',
        ]);
        $this->callBeforeApplicationDestroyedCallbacks();

        $this->assertFalse($pdo->inTransaction(), "the rollback must reach {$tested}, not the new default");
    }
}
