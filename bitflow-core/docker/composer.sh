#!/bin/sh
# bitflow-composer: `composer ARGS...` for the Dockerfile's stages.
#
# Real CI: exactly `composer ARGS...` (Packagist).
# Machine-local archives (machines without Packagist; never real CI): when the build context
# holds .composer-offline/ (the Dagger module adds it only on `with-composer-offline`), the
# stage copies it to /composer-offline: files/ is a Composer cache of package archives and
# repo/ a static Composer repository (packages.json + p2/). Composer then runs with Packagist
# off, repo/ served on a free loopback port and files/ as its cache, so nothing is downloaded.
# As in bitflow-core/scripts/offline-composer.sh: fakerphp/faker is asked as ^1.15 (the
# newest the metadata has) and platform php is ignored (those machines' PHP images are 8.2).
set -eu

OFFLINE=/composer-offline
if [ ! -d "$OFFLINE/files" ]; then
  exec composer "$@"
fi

php -r '$f = "composer.json"; $j = json_decode(file_get_contents($f), true, 512, JSON_THROW_ON_ERROR);
        $j["require-dev"]["fakerphp/faker"] = "^1.15";
        file_put_contents($f, json_encode($j, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES)."\n");'

log="$(mktemp)"
php -S 127.0.0.1:0 -t "$OFFLINE/repo" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 50); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "bitflow-composer: the metadata server did not start: $(cat "$log")" >&2; exit 1; }

home="$(mktemp -d)"
printf '{"config":{"secure-http":false},"repositories":{"packagist":false,"local":{"type":"composer","url":"%s"}}}\n' \
  "$url" >"$home/config.json"
echo "bitflow-composer: machine-local archives ($OFFLINE), Packagist off"
COMPOSER_HOME="$home" COMPOSER_CACHE_DIR="$OFFLINE" composer "$@" --ignore-platform-req=php
