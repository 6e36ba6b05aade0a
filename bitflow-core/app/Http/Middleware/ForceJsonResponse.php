<?php

namespace App\Http\Middleware;

use Closure;
use Illuminate\Http\Request;

/**
 * Marks every API request as wanting JSON, so validation failures become 422 JSON
 * with field errors and missing models become 404 JSON, whatever Accept header the
 * client sent.
 */
class ForceJsonResponse
{
    public function handle(Request $request, Closure $next)
    {
        $request->headers->set('Accept', 'application/json');

        return $next($request);
    }
}
