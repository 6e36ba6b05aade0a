<?php

namespace App\Providers;

use App\Health\HealthChecker;
use Illuminate\Support\ServiceProvider;

/** Application bindings. */
class AppServiceProvider extends ServiceProvider
{
    public function register(): void
    {
        $this->app->singleton(HealthChecker::class);
    }
}
