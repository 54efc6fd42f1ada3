#!/usr/bin/env bash
# Electronegativity over the Electron main process, preload and renderer sources, offline:
# it phones home on every run and always exits 0, so it runs without a network (unshare -n)
# and its findings table (stdout; its CSV writer races with itself and garbles the first row)
# is judged by electronegativity-verdict.mjs: any HIGH or MEDIUM finding fails, except the one
# manual-review reminder listed there (shell.openExternal), reviewed for the one file where it is.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${ELECTRONEGATIVITY_OUT:-$(mktemp -d)}"
mkdir -p "$out"
# Offline or not at all: the tool phones home, and an online run must never happen silently.
if ! unshare -n true 2>/dev/null; then
  echo "electronegativity: 'unshare -n' is not available (needs root or user namespaces); refusing to run it with network access" >&2
  exit 1
fi
run() { unshare -n "$@"; }
# One scan over main/ and renderer/ together: its global checks (navigation limits, permission
# handler) look for the handlers across the whole app, which lives in main/app.
src="$out/src"
rm -rf "$src" && mkdir -p "$src"
cp -r main renderer "$src/"
run npx --no-install electronegativity -i "$src" -r -e 45.6.0 -v false > "$out/report.txt" 2>&1 || true
node .ci/electronegativity-verdict.mjs "$out/report.txt"
