<?php

namespace App\Http;

use App\Http\Middleware\ForceJsonResponse;
use App\Http\Middleware\TrustProxies;
use Illuminate\Auth\Middleware\Authenticate;
use Illuminate\Foundation\Http\Kernel as HttpKernel;
use Illuminate\Foundation\Http\Middleware\ConvertEmptyStringsToNull;
use Illuminate\Foundation\Http\Middleware\PreventRequestsDuringMaintenance;
use Illuminate\Foundation\Http\Middleware\TrimStrings;
use Illuminate\Foundation\Http\Middleware\ValidatePostSize;
use Illuminate\Routing\Middleware\SubstituteBindings;
use Illuminate\Routing\Middleware\ThrottleRequests;

/**
 * HTTP kernel. Middleware is referenced by class name (no aliases), which reads the
 * same on Laravel 8 and 11.
 */
class Kernel extends HttpKernel
{
    /** @var array<int, class-string> Global middleware, run on every request. */
    protected $middleware = [
        TrustProxies::class,
        PreventRequestsDuringMaintenance::class,
        ValidatePostSize::class,
        TrimStrings::class,
        ConvertEmptyStringsToNull::class,
    ];

    /** @var array<string, array<int, string>> Route middleware groups. */
    protected $middlewareGroups = [
        // ForceJsonResponse first, so a missing or wrong bearer token is a 401 JSON
        // response, never a redirect to a login page.
        'api' => [
            ForceJsonResponse::class,
            Authenticate::class.':api',
            ThrottleRequests::class.':api',
            SubstituteBindings::class,
        ],
    ];
}
