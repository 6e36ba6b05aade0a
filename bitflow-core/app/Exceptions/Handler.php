<?php

namespace App\Exceptions;

use Illuminate\Foundation\Exceptions\Handler as ExceptionHandler;

/**
 * Application exception handler. API routes force JSON (see ForceJsonResponse), so
 * the framework already renders ValidationException as 422 {message, errors} and
 * ModelNotFoundException as 404 JSON.
 */
class Handler extends ExceptionHandler
{
    /** @var array<int, string> Inputs never flashed back on validation errors. */
    protected $dontFlash = ['password', 'password_confirmation'];
}
