<?php

namespace Tests;

use Illuminate\Foundation\Testing\TestCase as BaseTestCase;

/** Base class of the feature tests. */
abstract class TestCase extends BaseTestCase
{
    use CreatesApplication;

    /** The bearer token the API tests send; AuthTest sets it to null to send none. */
    protected ?string $apiToken = 'test-api-token-not-a-secret';

    protected function setUp(): void
    {
        parent::setUp();
        config(['auth.api_token_hashes' => [hash('sha256', 'test-api-token-not-a-secret')]]);
        if ($this->apiToken !== null) {
            $this->withHeaders(['Authorization' => 'Bearer '.$this->apiToken]);
        }
    }
}
