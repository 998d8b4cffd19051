#!/usr/bin/env bash
# Performs the container image's own steps (Dockerfile) without Docker, in a clean temporary
# directory, so the image is not untested where images cannot be built:
#   build stage:   the source as `COPY . .` sees it, `npm ci`, `npm run build`;
#   runtime stage: a fresh directory with only the package files, `npm ci --omit=dev`, then the
#                  paths the Dockerfile's runtime stage copies from the build (read from it);
#   then starts the hub as the image's CMD does, with production dependencies only, checks
#   GET /health, the inbox and the widget, stops it with SIGTERM, and runs the backup tool the
#   image ships. A start that needs a dev dependency (tsx, esbuild, typescript) fails here.
#
# --reuse-install: the build stage uses this checkout's node_modules instead of its own `npm ci`
# (CI has just run `npm ci` here; the build stage's install is the same one). The runtime stage
# always installs afresh: that is the install this check is about.
set -euo pipefail
reuse_install=false
[ "${1:-}" = "--reuse-install" ] && reuse_install=true
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/rapport-image-XXXXXX")"
hub_pid=""
cleanup() {
  if [ -n "$hub_pid" ] && kill -0 "$hub_pid" 2>/dev/null; then kill -KILL "$hub_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '[image] %s\n' "$*"; }
started=$SECONDS

say "build stage in $work/build"
mkdir -p "$work/build" "$work/runtime" "$work/data"
# The working tree as the build context: tracked and new files, without what .gitignore and
# .dockerignore leave out (node_modules, dist, data).
(
  cd "$repo"
  git ls-files -z --cached --others --exclude-standard --exclude-from=.dockerignore |
    while IFS= read -r -d '' file; do [ -e "$file" ] && printf '%s\0' "$file"; done |
    tar --null -T - -cf -
) | tar -xf - -C "$work/build"
if $reuse_install; then
  ln -s "$repo/node_modules" "$work/build/node_modules"
else
  (cd "$work/build" && JOBS=max npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
fi
(cd "$work/build" && npm run build --silent)

say "runtime stage in $work/runtime (production dependencies only)"
cp "$work/build/package.json" "$work/build/package-lock.json" "$work/runtime/"
# JOBS=max: where argon2's bundled binary does not load, node-gyp compiles it on every core.
(cd "$work/runtime" && JOBS=max npm ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error)
copies="$(sed -n -E 's#^COPY --from=build /app/([^ ]+) \./([^ ]+)$#\1 \2#p' "$repo/Dockerfile")"
[ -n "$copies" ] || { echo "no 'COPY --from=build /app/<path> ./<path>' lines in the Dockerfile" >&2; exit 1; }
while read -r from to; do
  mkdir -p "$(dirname "$work/runtime/$to")"
  cp -R "$work/build/$from" "$work/runtime/$to"
done <<<"$copies"
# Nothing the lockfile marks dev-only may be there (typescript is "devOptional": an optional peer of
# a production dependency, so it may be).
(cd "$work/runtime" && node -e '
  const lock = require("./package-lock.json");
  const fs = require("node:fs");
  const present = Object.entries(lock.packages).filter(([at, entry]) => at && entry.dev && fs.existsSync(at));
  if (present.length) { console.error("dev dependencies in the runtime stage:", present.map(([at]) => at).join(", ")); process.exit(1); }
')

say "start: node --max-semi-space-size=32 dist/src/main.js"
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
(
  cd "$work/runtime"
  exec env -i PATH="$PATH" NODE_ENV=production HOST=127.0.0.1 PORT="$port" RAPPORT_DATA_DIR="$work/data" \
    RAPPORT_SEED_DEMO=true LOG_LEVEL=warn node --max-semi-space-size=32 dist/src/main.js
) >"$work/hub.log" 2>&1 &
hub_pid=$!
base="http://127.0.0.1:$port"
status() { node -e "fetch(process.argv[1]).then((r) => { console.log(r.status); }, () => console.log(0))" "$1"; }
for _ in $(seq 1 120); do
  [ "$(status "$base/health")" = 200 ] && break
  kill -0 "$hub_pid" 2>/dev/null || { cat "$work/hub.log" >&2; echo "the hub exited during start" >&2; exit 1; }
  sleep 0.5
done
for url in "$base/health" "$base/inbox/" "$base/widget.js" "$base/"; do
  code="$(status "$url")"
  [ "$code" = 200 ] || { cat "$work/hub.log" >&2; echo "GET $url answered $code" >&2; exit 1; }
  say "GET ${url#"$base"} 200"
done

say "stop: SIGTERM"
kill -TERM "$hub_pid"
wait "$hub_pid" && code=0 || code=$?
hub_pid=""
[ "$code" = 0 ] || { cat "$work/hub.log" >&2; echo "the hub exited with $code on SIGTERM" >&2; exit 1; }

say "backup tool: node dist/scripts/backup.js"
(cd "$work/runtime" && env -i PATH="$PATH" RAPPORT_DATA_DIR="$work/data" node dist/scripts/backup.js "$work/hub.backup")
[ -s "$work/hub.backup" ] || { echo "no backup written" >&2; exit 1; }

say "the image's steps work ($((SECONDS - started)) s)"
