<?php

namespace App\Providers;

use App\Auth\ApiTokens;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Auth;
use Illuminate\Support\ServiceProvider;

/**
 * The `api` guard: Laravel's request guard (Auth::viaRequest, the same on Laravel 8 and 11)
 * checking the bearer token against the configured token hashes. Every /api route is
 * behind it (app/Http/Kernel.php); the health routes are not.
 */
class AuthServiceProvider extends ServiceProvider
{
    public function boot(): void
    {
        Auth::viaRequest('api-token', static function (Request $request) {
            return (new ApiTokens((array) config('auth.api_token_hashes', [])))->client($request);
        });
    }
}
