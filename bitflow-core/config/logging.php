<?php

use Monolog\Handler\NullHandler;
use Monolog\Handler\StreamHandler;

return [
    // LOG_CHANNEL=stack (seed) writes to stderr, which ECS ships to CloudWatch Logs.
    'default' => env('LOG_CHANNEL', 'stack'),

    'channels' => [
        'stack' => [
            'driver' => 'stack',
            'channels' => explode(',', env('LOG_STACK', 'stderr')),
            'ignore_exceptions' => false,
        ],
        'stderr' => [
            'driver' => 'monolog',
            'level' => env('LOG_LEVEL', 'info'),
            'handler' => StreamHandler::class,
            'with' => ['stream' => 'php://stderr'],
        ],
        'single' => [
            'driver' => 'single',
            'path' => storage_path('logs/laravel.log'),
            'level' => env('LOG_LEVEL', 'info'),
        ],
        // Discards everything (tests). Not called "null": env() reads LOG_CHANNEL=null as PHP null.
        'none' => [
            'driver' => 'monolog',
            'handler' => NullHandler::class,
        ],
    ],
];
