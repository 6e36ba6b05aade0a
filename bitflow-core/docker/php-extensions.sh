#!/bin/sh
# The PHP extensions bitflow-core needs (composer.json: ext-pdo_pgsql, ext-redis),
# installed the official images' way. Both the runtime and the test stage of the
# Dockerfile run this one script, so tests run with the production extensions.
set -eux
apt-get update
apt-get install -y --no-install-recommends libpq-dev libpq5
docker-php-ext-install -j"$(nproc)" pdo_pgsql opcache
pecl install redis
docker-php-ext-enable redis
apt-get purge -y --auto-remove libpq-dev
apt-get install -y --no-install-recommends libpq5
rm -rf /var/lib/apt/lists/* /tmp/pear
