<?php

namespace App\Providers;

use Illuminate\Cache\RateLimiting\Limit;
use Illuminate\Foundation\Support\Providers\RouteServiceProvider as ServiceProvider;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\RateLimiter;
use Illuminate\Support\Facades\Route;

/**
 * Routes: the JSON API under /api (api middleware group), and the health routes with
 * no middleware group at all, so a dead Redis (sessions, cache, rate limits) can
 * never turn a health probe into a 500 instead of a truthful 503.
 */
class RouteServiceProvider extends ServiceProvider
{
    public function boot(): void
    {
        RateLimiter::for('api', static function (Request $request) {
            return Limit::perMinute((int) env('API_RATE_LIMIT', 120))->by($request->ip());
        });

        $this->routes(function (): void {
            Route::prefix('api')->middleware('api')->group(base_path('routes/api.php'));
            Route::group([], base_path('routes/health.php'));
        });
    }
}
