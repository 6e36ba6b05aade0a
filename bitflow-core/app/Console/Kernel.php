<?php

namespace App\Console;

use Illuminate\Console\Application as Artisan;
use Illuminate\Foundation\Console\Kernel as ConsoleKernel;

/** Console kernel. */
class Kernel extends ConsoleKernel
{
    /**
     * Offline seam, part two (see bootstrap/autoload.php): with Composer, Collision
     * provides `artisan test`; Debian's Laravel 8 has no Collision, so a small
     * PHPUnit runner takes the name there. With Collision present it is never added.
     */
    protected function commands(): void
    {
        if (! class_exists(\NunoMaduro\Collision\Adapters\Laravel\Commands\TestCommand::class)) {
            Artisan::starting(static fn (Artisan $artisan) => $artisan->resolve(RunTestsCommand::class));
        }
    }
}
