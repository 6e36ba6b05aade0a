<?php

namespace App\Http\Controllers;

use App\Health\HealthChecker;
use Illuminate\Http\JsonResponse;

/** /health and /up (readiness), /health/live (liveness). */
class HealthController extends Controller
{
    /** Database and Redis: 200 only when both pass, 503 otherwise, per-check JSON either way. */
    public function ready(HealthChecker $checker): JsonResponse
    {
        $result = $checker->run();

        return response()
            ->json($result, $result['status'] === 'ok' ? 200 : 503)
            ->header('Cache-Control', 'no-store');
    }

    /** The process is up and serving; checks no dependency. */
    public function live(): JsonResponse
    {
        return response()->json(['status' => 'ok'])->header('Cache-Control', 'no-store');
    }
}
