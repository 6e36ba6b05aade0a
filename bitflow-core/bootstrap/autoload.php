<?php

/*
|--------------------------------------------------------------------------
| The one offline seam
|--------------------------------------------------------------------------
|
| Real installs (CI, the Docker image, a developer laptop) run `composer
| install`, so vendor/autoload.php exists and is used: Laravel 11, PHPUnit,
| Collision, everything from composer.json.
|
| Offline on Debian 12 there is no Packagist. There we load Debian's packaged
| Laravel 8.83 and friends from /usr/share/php (installed by
| scripts/setup-backend.sh) and register this application's PSR-4 namespaces
| ourselves, reading them from composer.json so there is one source of truth.
|
| artisan, public/index.php and phpunit.xml all require this file instead of
| vendor/autoload.php. Nothing else in the application knows which path ran,
| except the Console Kernel, which adds an `artisan test` command only when
| Collision (a Composer dev dependency) is absent.
|
*/

$composerAutoload = __DIR__.'/../vendor/autoload.php';

if (is_file($composerAutoload)) {
    return require $composerAutoload;
}

$debianAutoloaders = [
    '/usr/share/php/Illuminate/autoload.php',  // php-laravel-framework (also pulls DBAL + Mockery)
    '/usr/share/php/Faker/autoload.php',       // php-faker (fakerphp/faker) for model factories
];

foreach ($debianAutoloaders as $file) {
    if (! is_file($file)) {
        fwrite(STDERR, "bitflow-core: neither vendor/autoload.php nor {$file} exists; "
            ."run `composer install`, or scripts/setup-backend.sh for the offline Debian path\n");
        exit(1);
    }
    require_once $file;
}

$composer = json_decode((string) file_get_contents(__DIR__.'/../composer.json'), true, 512, JSON_THROW_ON_ERROR);
$psr4 = array_merge($composer['autoload']['psr-4'] ?? [], $composer['autoload-dev']['psr-4'] ?? []);

spl_autoload_register(static function (string $class) use ($psr4): void {
    foreach ($psr4 as $prefix => $dir) {
        if (strncmp($class, $prefix, strlen($prefix)) === 0) {
            $file = __DIR__.'/../'.$dir.str_replace('\\', '/', substr($class, strlen($prefix))).'.php';
            if (is_file($file)) {
                require $file;
            }

            return;
        }
    }
});
