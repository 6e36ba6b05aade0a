<?php

namespace Tests;

use Illuminate\Foundation\Testing\TestCase as BaseTestCase;

/** Base class of the feature tests. */
abstract class TestCase extends BaseTestCase
{
    use CreatesApplication;

    /** The bearer token the API tests send; AuthTest sets it to null to send none. */
    protected ?string $apiToken = 'test-api-token-not-a-secret';

    /**
     * The connections RefreshDatabase wraps in a transaction, named once when the test starts.
     *
     * Unset, Laravel uses [null] ("the default connection") and resolves it twice: when it
     * begins the transaction and again when it rolls it back. A test that points
     * database.default elsewhere (HealthTest's unreachable database) made the rollback go
     * to that connection and left the real one inside its transaction; on SQLite :memory:
     * Laravel 11 hands that PDO to the next test, whose BEGIN then failed with "There is
     * already an active transaction". Read by RefreshDatabase on Laravel 8 and 11 alike.
     *
     * @var list<string>
     */
    protected $connectionsToTransact = [];

    protected function setUp(): void
    {
        parent::setUp();
        config(['auth.api_token_hashes' => [hash('sha256', 'test-api-token-not-a-secret')]]);
        if ($this->apiToken !== null) {
            $this->withHeaders(['Authorization' => 'Bearer '.$this->apiToken]);
        }
    }

    /** Names the default connection before RefreshDatabase begins its transaction on it. */
    protected function setUpTraits()
    {
        $this->connectionsToTransact = [$this->app['config']->get('database.default')];

        return parent::setUpTraits();
    }
}
