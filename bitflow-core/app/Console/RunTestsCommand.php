<?php

namespace App\Console;

use Illuminate\Console\Command;
use Symfony\Component\Process\Process;

/**
 * `php artisan test` for the offline path (Debian's Laravel 8 ships no Collision):
 * runs PHPUnit in a child process with every argument after `test` passed through,
 * streams its output, and returns its exit code. Registered by App\Console\Kernel
 * only when Collision's own test command is not installed.
 */
class RunTestsCommand extends Command
{
    /** @var string */
    protected $signature = 'test';

    /** @var string */
    protected $description = 'Run the PHPUnit test suite (offline runner; Collision replaces it when installed)';

    public function __construct()
    {
        parent::__construct();

        // Accept any PHPUnit option (--filter, --testsuite, ...) and forward it.
        $this->ignoreValidationErrors();
    }

    public function handle(): int
    {
        $argv = $_SERVER['argv'] ?? [];
        $position = array_search('test', $argv, true);
        $arguments = $position === false ? [] : array_slice($argv, $position + 1);

        if (in_array('--parallel', $arguments, true) || in_array('-p', $arguments, true)) {
            $this->error('--parallel needs Collision and ParaTest (composer dev dependencies); '
                .'the offline Debian runner executes the suite serially: drop --parallel.');

            return 2;
        }

        $phpunit = is_file(base_path('vendor/bin/phpunit')) ? base_path('vendor/bin/phpunit') : '/usr/bin/phpunit';
        if (! is_file($phpunit)) {
            $this->error("PHPUnit not found at {$phpunit}: run scripts/setup-backend.sh (installs Debian's phpunit)");

            return 2;
        }

        $process = new Process(array_merge([PHP_BINARY, $phpunit], $arguments), base_path(), null, null, null);
        $process->run(function (string $type, string $buffer): void {
            $this->output->write($buffer);
        });

        return (int) $process->getExitCode();
    }
}
