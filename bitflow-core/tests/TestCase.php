<?php

namespace Tests;

use Illuminate\Foundation\Testing\TestCase as BaseTestCase;

/** Base class of the feature tests. */
abstract class TestCase extends BaseTestCase
{
    use CreatesApplication;
}
