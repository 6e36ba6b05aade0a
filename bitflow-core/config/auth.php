<?php

/*
| API authentication: every /api route needs `Authorization: Bearer <token>`.
| API_TOKEN_SHA256 lists the SHA-256 (hex) of each accepted token, comma-separated, so
| the task definition (or Secrets Manager) never holds a usable token. Make one with:
|   token=$(openssl rand -hex 32); printf %s "$token" | sha256sum
| No hashes configured means no client is accepted (401 for every /api request).
*/
return [
    'defaults' => [
        'guard' => 'api',
    ],

    'guards' => [
        'api' => ['driver' => 'api-token'],
    ],

    'api_token_hashes' => array_values(array_filter(array_map('trim', explode(',', (string) env('API_TOKEN_SHA256', ''))))),
];
