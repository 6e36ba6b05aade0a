#!/usr/bin/env bash
# bitflow-core/scripts/offline-composer.sh — install bitflow-core's Composer dependencies
# (Laravel 11, PHPUnit 11, ...) without Packagist or GitHub, into a copy of the app.
#
#   scripts/offline-composer.sh check      exit 0 when everything needed is on this machine,
#                                          else print the one reason and exit 3
#   scripts/offline-composer.sh install DIR  copy the app to DIR (must not exist) and
#                                          `composer update` there from the archives
#
# Where the packages come from (machine-local, never in any repository):
#   BITFLOW_COMPOSER_ARCHIVES (default /opt/packagist-cache)   a Composer cache directory:
#       files/VENDOR/NAME/<sha1 of the dist URL>.zip, one `git archive --format=zip` per
#       package at its locked commit (how to make them: bitflow-core/README.md).
#       Set it to an empty string to turn the real-framework run off.
#   BITFLOW_PACKAGIST_REPO (default /work/shared/packagist/repo)   the static Composer
#       repository (packages.json + p2/) with the metadata; served on a free loopback port
#       for the install only.
#
# The repository is never written to: no vendor/, no composer.lock, composer.json untouched.
# In the copy, fakerphp/faker is asked as ^1.15 (the newest version the metadata has) and
# platform php is ignored (Debian 12 has 8.2, composer.json's platform is 8.3).
set -euo pipefail

APP="$(cd "$(dirname "$0")/.." && pwd)"
ARCHIVES="${BITFLOW_COMPOSER_ARCHIVES-/opt/packagist-cache}"
REPO="${BITFLOW_PACKAGIST_REPO:-/work/shared/packagist/repo}"

# reason prints why the real-framework install cannot run here, or nothing.
reason() {
  if [ -z "$ARCHIVES" ]; then echo "BITFLOW_COMPOSER_ARCHIVES is empty"
  elif [ ! -d "$ARCHIVES/files" ]; then echo "no package archives at $ARCHIVES/files (BITFLOW_COMPOSER_ARCHIVES; how to make them: bitflow-core/README.md)"
  elif [ ! -f "$REPO/packages.json" ]; then echo "no Composer metadata at $REPO/packages.json (BITFLOW_PACKAGIST_REPO)"
  elif ! command -v composer >/dev/null; then echo "composer is not installed (ci/scripts/setup-backend.sh installs it when the archives exist)"
  fi
}

case "${1:-}" in
  check)
    why="$(reason)"
    [ -z "$why" ] || { echo "$why"; exit 3; }
    ;;
  install)
    dest="${2:?usage: offline-composer.sh install DIR}"
    why="$(reason)"
    [ -z "$why" ] || { echo "offline-composer: $why" >&2; exit 3; }
    [ ! -e "$dest" ] || { echo "offline-composer: $dest already exists" >&2; exit 2; }
    work="$(mktemp -d)"
    server=""
    cleanup() { [ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$work"; }
    trap cleanup EXIT

    # The app without what a checkout may hold locally (vendor/, .env, a lock).
    mkdir -p "$dest"
    tar -C "$APP" --exclude=./vendor --exclude=./.env --exclude=./composer.lock -cf - . | tar -C "$dest" -xf -
    # An empty .env: without one, Collision (`artisan test`) shows every test as a warning
    # (Laravel 11 reads .env with @file_get_contents; Collision prints silenced warnings).
    : >"$dest/.env"
    php -r '$f = $argv[1]; $j = json_decode(file_get_contents($f), true, 512, JSON_THROW_ON_ERROR);
            $j["require-dev"]["fakerphp/faker"] = "^1.15";
            file_put_contents($f, json_encode($j, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES)."\n");' "$dest/composer.json"

    # The metadata on a free loopback port (the kernel picks it; the server prints it).
    php -S 127.0.0.1:0 -t "$REPO" >"$work/server.log" 2>&1 &
    server=$!
    url=""
    for _ in $(seq 1 50); do
      url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" | head -1 || true)"
      [ -n "$url" ] && break
      sleep 0.1
    done
    [ -n "$url" ] || { echo "offline-composer: the metadata server did not start: $(cat "$work/server.log")" >&2; exit 1; }

    # A throw-away Composer home: Packagist off, the local repository on; the archives
    # are the cache's files/ (read only), anything else Composer caches stays in $work.
    mkdir -p "$work/home" "$work/cache"
    ln -s "$ARCHIVES/files" "$work/cache/files"
    printf '{"config":{"secure-http":false},"repositories":{"packagist":false,"local":{"type":"composer","url":"%s"}}}\n' \
      "$url" >"$work/home/config.json"
    COMPOSER_HOME="$work/home" COMPOSER_CACHE_DIR="$work/cache" COMPOSER_NO_INTERACTION=1 \
      composer --working-dir="$dest" update --prefer-dist --no-progress --no-audit \
      --ignore-platform-req=php >"$work/composer.log" 2>&1 \
      || { echo "offline-composer: composer update failed:" >&2; tail -n 30 "$work/composer.log" >&2; exit 1; }
    count="$(php -r '$l = json_decode(file_get_contents($argv[1]), true); echo count($l["packages"]) + count($l["packages-dev"]);' "$dest/composer.lock")"
    echo "offline-composer: $count packages installed from $ARCHIVES into $dest"
    ;;
  *)
    echo "usage: offline-composer.sh check | install DIR" >&2; exit 2 ;;
esac
