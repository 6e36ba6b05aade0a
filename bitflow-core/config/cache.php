<?php

return [
    // Laravel 11 reads CACHE_STORE; the seed's production .env says CACHE_DRIVER.
    'default' => env('CACHE_STORE', env('CACHE_DRIVER', 'file')),

    'stores' => [
        'array' => ['driver' => 'array', 'serialize' => false],
        'file' => ['driver' => 'file', 'path' => storage_path('framework/cache/data')],
        'redis' => ['driver' => 'redis', 'connection' => 'cache', 'lock_connection' => 'default'],
    ],

    'prefix' => env('CACHE_PREFIX', 'bitflow_cache_'),
];
