<?php

namespace Tests\Feature;

use Symfony\Component\Process\Process;
use Tests\TestCase;

/**
 * `php artisan migrate --force` is the ECS migration task's command: run it for real,
 * in a child process, and check its exit code and what it prints.
 */
class MigrateCommandTest extends TestCase
{
    /** @param  array<string, string>  $env */
    private function runArtisan(array $arguments, array $env): Process
    {
        $process = new Process(array_merge([PHP_BINARY, base_path('artisan')], $arguments), base_path(), $env + [
            // Logs to stderr, so the secret checks below cover the log lines too.
            'APP_ENV' => 'production', 'APP_DEBUG' => 'false', 'LOG_CHANNEL' => 'stderr',
        ], null, 60);
        $process->run();

        return $process;
    }

    public function test_exits_non_zero_and_says_why_when_the_database_is_unreachable(): void
    {
        $secret = 'migrate-password-sentinel-'.bin2hex(random_bytes(6));
        $run = $this->runArtisan(['migrate', '--force'], [
            'DB_CONNECTION' => 'pgsql', 'DB_HOST' => '127.0.0.1', 'DB_PORT' => '1',
            'DB_DATABASE' => 'bitflow', 'DB_USERNAME' => 'bitflow', 'DB_PASSWORD' => $secret, 'DB_SSLMODE' => 'disable',
        ]);
        $output = $run->getOutput().$run->getErrorOutput();

        $this->assertNotSame(0, $run->getExitCode(), "migrate should fail:\n{$output}");
        $this->assertMatchesRegularExpression('/could not connect|Connection refused|connection to server/i', $output);
        $this->assertStringNotContainsString($secret, $output);
    }

    public function test_migrates_a_fresh_database_then_is_a_no_op(): void
    {
        $file = tempnam(sys_get_temp_dir(), 'bitflow-migrate-');
        $env = ['DB_CONNECTION' => 'sqlite', 'DB_DATABASE' => $file];
        try {
            $first = $this->runArtisan(['migrate', '--force'], $env);
            $this->assertSame(0, $first->getExitCode(), $first->getOutput().$first->getErrorOutput());
            $this->assertStringContainsString('2024_07_01_000001_drop_roll_no_from_students', $first->getOutput());

            $second = $this->runArtisan(['migrate', '--force'], $env);
            $this->assertSame(0, $second->getExitCode(), $second->getOutput().$second->getErrorOutput());
            $this->assertStringContainsString('Nothing to migrate', $second->getOutput());

            $pdo = new \PDO('sqlite:'.$file);
            $this->assertSame(6, (int) $pdo->query('select count(*) from migrations')->fetchColumn());
        } finally {
            @unlink($file);
        }
    }

    public function test_exits_non_zero_when_a_migration_fails(): void
    {
        $file = tempnam(sys_get_temp_dir(), 'bitflow-migrate-');
        $env = ['DB_CONNECTION' => 'sqlite', 'DB_DATABASE' => $file];
        try {
            // A table already squatting on the name makes the first migration fail midway.
            (new \PDO('sqlite:'.$file))->exec('create table institutions (id integer primary key)');

            $run = $this->runArtisan(['migrate', '--force'], $env);
            $output = $run->getOutput().$run->getErrorOutput();

            $this->assertNotSame(0, $run->getExitCode(), "migrate should fail:\n{$output}");
            $this->assertStringContainsString('institutions', $output);
            $this->assertMatchesRegularExpression('/already exists/i', $output);
        } finally {
            @unlink($file);
        }
    }
}
