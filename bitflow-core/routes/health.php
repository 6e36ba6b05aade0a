<?php

use App\Http\Controllers\HealthController;
use Illuminate\Support\Facades\Route;

// Readiness: database + Redis. 200 only when every check passes, else 503.
// The ALB target group and the deploy's health gates call /health; /up is Laravel 11's name.
Route::get('/health', [HealthController::class, 'ready']);
Route::get('/up', [HealthController::class, 'ready']);

// Liveness: the PHP process answers. The container HEALTHCHECK uses it, so a database
// outage does not make ECS kill and replace every task at once.
Route::get('/health/live', [HealthController::class, 'live']);
