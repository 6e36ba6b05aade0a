<?php

return [
    'default' => env('FILESYSTEM_DISK', 'local'),

    // Uploads go to S3 (AWS_BUCKET) once a feature needs them; nothing stores files yet.
    'disks' => [
        'local' => ['driver' => 'local', 'root' => storage_path('app')],
    ],
];
